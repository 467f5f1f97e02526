import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellSummary } from '../../src/metrics/types.js';
import { appendGithubStepSummary, markdownText, renderRunMarkdown } from '../../src/report/markdown.js';
import { makeCell, makeSummary, withTempDir } from './fixtures.js';

describe('renderRunMarkdown', () => {
  it('summarises each cell in one table row', () => {
    const md = renderRunMarkdown(makeSummary());
    expect(md).toMatch(/^## qfbench run\n/);
    expect(md).not.toContain('SIMULATED');
    expect(md).toContain('| cell | ok/planned | error rate | throttled | latency p50 ms |');
    expect(md).toContain('| ernie-speed-8k temperature=0.3 | 8/10 | 10.0% | 1 | 1200.0 | 2400.0 | 300.0 | 600.0 | 192.0 |');
    expect(md).toContain('Errors by code: 18 ×1, 336003 ×1');
    expect(md).toContain('seed 7');
  });

  it('marks a simulated run', () => {
    const md = renderRunMarkdown(makeSummary({ simulated: true }));
    expect(md).toMatch(/^## qfbench run — SIMULATED\n\n> \*\*SIMULATED\*\*/);
  });

  it('keeps hostile names from breaking the table or injecting markup', () => {
    const md = renderRunMarkdown(makeSummary({ cells: [makeCell({ label: 'a | b\n<script>x</script> *bold*', errors: {} })] }));
    const row = md.split('\n').find((line) => line.startsWith('| a'))!;
    expect(row).toContain('a \\| b &lt;script&gt;x&lt;/script&gt; \\*bold\\*');
    expect(row.split(/(?<!\\)\|/).length).toBe(11);
  });

  it('shows cost when cells carry it, unknown when null', () => {
    const md = renderRunMarkdown(
      makeSummary({ cells: [makeCell({ cost: { cny: 0.25 } } as Partial<CellSummary>), makeCell({ id: 'c1', cost: { cny: null } } as Partial<CellSummary>)] }),
    );
    expect(md).toContain('| cost CNY |');
    expect(md).toContain('| ¥0.250 |');
    expect(md).toContain('| unknown |');
  });

  it('escapes Markdown specials', () => {
    expect(markdownText('x_y [z](u) `c` #h')).toBe('x\\_y \\[z\\](u) \\`c\\` \\#h');
  });
});

describe('appendGithubStepSummary', () => {
  it('appends to the file GITHUB_STEP_SUMMARY names, and does nothing without it', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'step-summary.md');
      await writeFile(file, 'earlier step\n');
      expect(await appendGithubStepSummary('## one', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await appendGithubStepSummary('## two\n', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('earlier step\n## one\n\n## two\n\n');
      expect(await appendGithubStepSummary('## three', {})).toBe(false);
      expect(await appendGithubStepSummary('## three', { GITHUB_STEP_SUMMARY: '' })).toBe(false);
    });
  });
});
