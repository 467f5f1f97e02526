/**
 * Everything `qfbench run` prints on stdout at the end: the cell table, the client's own overhead,
 * the checks with ✓/✗, the row x cell matrix and a link to report.html.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunSummary } from '../metrics/types.js';
import { clientOverheadText } from './client-overhead-text.js';
import { checkLines } from './console-checks.js';
import { matrixLines, type ConsoleMatrix } from './console-matrix.js';
import { formatSummaryTable, type ConsoleTableOptions } from './console-table.js';
import { truncateToWidth } from './text-width.js';
import { sloLines } from './slo-text.js';

export interface RunConsoleOptions extends ConsoleTableOptions {
  /** The first dataset rows' verdicts per cell. */
  matrix?: ConsoleMatrix;
  /** Where report.html was written (made absolute, shown as a file:// link). */
  reportPath?: string;
}

export function formatRunConsole(summary: RunSummary, options: RunConsoleOptions = {}): string {
  const cut = (line: string): string => (options.width !== undefined ? truncateToWidth(line, options.width) : line);
  const blocks: string[][] = [[formatSummaryTable(summary, options)]];
  const client = clientOverheadText(summary);
  if (client !== undefined) blocks[0]!.push(cut(client));
  for (const line of sloLines(summary)) blocks[0]!.push(cut(line));
  if (summary.checks !== undefined) blocks.push(checkLines(summary.checks, options));
  if (options.matrix !== undefined) {
    const matrix = matrixLines(options.matrix, summary.cells, options);
    if (matrix.length > 0) blocks.push(matrix);
  }
  if (options.reportPath !== undefined) blocks.push([`report: ${pathToFileURL(resolve(options.reportPath)).href}`]);
  return blocks.map((lines) => lines.join('\n')).join('\n\n');
}
