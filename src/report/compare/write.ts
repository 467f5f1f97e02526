/** Write a comparison's files: compare.html (with its delta chart) and compare.md. */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fs-util.js';
import type { ComparisonResult } from '../../compare/index.js';
import { renderCompareHtml, renderDeltaChart } from './html.js';
import { renderComparisonMarkdown } from './markdown.js';

export interface WrittenComparison {
  htmlPath: string;
  markdownPath: string;
  markdown: string;
}

/** The default output folder: `reports/compare-<UTC timestamp>`. */
export function defaultCompareOutDir(now: Date = new Date()): string {
  return join(
    'reports',
    `compare-${now
      .toISOString()
      .replace(/\.\d+Z$/, '')
      .replaceAll(':', '-')}`,
  );
}

export async function writeComparisonReports(result: ComparisonResult, outDir: string): Promise<WrittenComparison> {
  const markdown = renderComparisonMarkdown(result);
  const chart = await renderDeltaChart(result);
  const html = renderCompareHtml(result, chart !== undefined ? { chart } : {});
  const htmlPath = join(outDir, 'compare.html');
  const markdownPath = join(outDir, 'compare.md');
  await writeFileAtomic(htmlPath, html);
  await writeFileAtomic(markdownPath, markdown);
  return { htmlPath, markdownPath, markdown };
}
