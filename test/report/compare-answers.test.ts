/** compare.md and compare.html show each cell's pass-rate change with its verdict and p, and the rows whose verdict changed (bounded, escaped). */
import { describe, expect, it } from 'vitest';
import { compareRuns, type ComparedRun } from '../../src/compare/index.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { renderCompareHtml, renderComparisonMarkdown } from '../../src/report/compare/index.js';
import { makeCell, makeRecord, makeSummary } from './fixtures.js';

const HOSTILE = '<script>alert(1)</script>|pipe';

function run(dir: string, n: number, pass: (i: number) => boolean, rowId: (i: number) => string = (i) => `row-${i + 1}`): ComparedRun {
  const records: RequestRecord[] = Array.from({ length: n }, (_, i) =>
    makeRecord({
      seq: i,
      rowId: rowId(i),
      latencyMs: 1000 + (i % 3),
      ttftMs: 300 + (i % 3),
      schedOffsetMs: i * 100,
      assertResult: pass(i) ? 'pass' : 'fail',
      assertReason: pass(i) ? '' : `equals "4": got ${HOSTILE}`,
    }),
  );
  const passed = records.filter((r) => r.assertResult === 'pass').length;
  const cell = makeCell({
    errors: {},
    planned: n,
    outcomes: { ok: n, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
    assertions: { passed, failed: n - passed, errored: 0, skipped: 0, passRate: passed / n },
  });
  return { dir, summary: makeSummary({ cells: [cell] }), requests: records };
}

describe('compare reports: answers', () => {
  it('compare.md: the pass-rate row and line with verdict and p, the first 20 changed rows, and how many more', async () => {
    const result = await compareRuns(
      run('base', 30, () => true),
      run('candidate', 30, () => false),
      { resamples: 200 },
    );
    const markdown = renderComparisonMarkdown(result);
    const row = markdown.split('\n').find((line) => line.includes('| pass rate |'))!;
    expect(row).toContain('100.00%');
    expect(row).toContain('**regression**');
    expect(row.split(/(?<!\\)\|/).length).toBe(11);
    expect(markdown).toContain('### Answers');
    expect(markdown).toMatch(
      /pass rate 100\.00% \(30\/30\) → 0\.00% \(0\/30\), −100\.00 pp; exact McNemar p < 0\.001 \(30 pass→fail, 0 fail→pass of 30 paired\) — \*\*regression\*\*/,
    );
    expect(markdown).toContain('30 row verdict(s) changed:');
    const listed = markdown.split('\n').filter((line) => line.includes('**pass→fail**'));
    expect(listed).toHaveLength(20);
    expect(listed[0]).toMatch(/\| row-1 \| 0 \| \*\*pass→fail\*\* \| equals "4": got &lt;script&gt;alert\(1\)&lt;\/script&gt;\\\|pipe \|$/);
    expect(markdown).toContain('… and 10 more; compare.html lists up to 100 per cell.');
    expect(markdown).not.toContain('<script>');
  });

  it('compare.html: the pass rate with its verdict, the changed rows in a table, hostile ids and reasons escaped', async () => {
    const result = await compareRuns(
      run(
        'base',
        6,
        () => true,
        (i) => `${HOSTILE}${i}`,
      ),
      run(
        'candidate',
        6,
        (i) => i !== 0,
        (i) => `${HOSTILE}${i}`,
      ),
      { resamples: 200 },
    );
    const html = renderCompareHtml(result);
    expect(html).toMatch(/<strong>Pass rate<\/strong> 100\.00% \(6&#47;6\) → 83\.33% \(5&#47;6\), −16\.67 pp; exact McNemar p = 1\.000 .*verdict-none/);
    expect(html).toContain('row verdict changes');
    expect(html).toContain('<span class="verdict verdict-regression">pass→fail</span>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;|pipe0');
    expect(html).toContain('Assertion pass rate');
  });

  it('says so when no row changed verdict, and shows nothing of answers for runs without assertions', async () => {
    const same = await compareRuns(
      run('base', 6, () => true),
      run('candidate', 6, () => true),
      { resamples: 200 },
    );
    expect(renderComparisonMarkdown(same)).toContain('No row changed verdict.');
    expect(renderCompareHtml(same)).toContain('No row changed verdict.');
    const plain = (dir: string): ComparedRun => {
      const side = run(dir, 6, () => true);
      return { ...side, summary: makeSummary({ cells: side.summary.cells.map(({ assertions: _, ...cell }) => cell) }) };
    };
    const none = await compareRuns(plain('a'), plain('b'), { resamples: 200 });
    expect(renderComparisonMarkdown(none)).not.toContain('### Answers');
    expect(renderCompareHtml(none)).not.toContain('<strong>Pass rate</strong>');
  });
});
