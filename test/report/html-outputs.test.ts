import { describe, expect, it } from 'vitest';
import { OUTPUTS_CSS, OUTPUTS_PREVIEW_CHARS, OUTPUTS_ROW_LIMIT, renderOutputsSection } from '../../src/report/html-outputs.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { makeCell, makeRecord, makeSummary } from './fixtures.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert('x')">`;

const summary = makeSummary();

describe('outputs section', () => {
  it('puts each cell’s answer, pass/fail and reason in one row per dataset row, every text escaped', () => {
    const html = renderOutputsSection(summary, {
      records: [
        makeRecord({ seq: 0, rowId: HOSTILE, cellId: 'c0', assertResult: 'pass', output: HOSTILE }),
        makeRecord({ seq: 1, rowId: HOSTILE, cellId: 'c1', assertResult: 'fail', assertReason: `contains "${HOSTILE}"`, output: 'no' }),
      ],
      requestsTotal: 2,
    });
    expect(html).toContain('<section id="outputs">');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;');
    expect(html).toContain('<span class="check check-pass">pass</span>');
    expect(html).toContain('<span class="check check-fail">fail</span>');
    expect(html).toContain('contains &quot;&lt;script&gt;');
    // One column per cell, in the summary's order.
    expect(html).toMatch(/<th>Row<\/th><th>ernie-speed-8k temperature=0.3<\/th><th>ernie-4.0-8k temperature=0.9<\/th>/);
  });

  it('filters to failures with a checkbox and a CSS rule, no script: rows carry their class', () => {
    const html = renderOutputsSection(summary, {
      records: [
        makeRecord({ seq: 0, rowId: 'good', assertResult: 'pass' }),
        makeRecord({ seq: 1, rowId: 'bad', assertResult: 'fail', assertReason: 'wrong' }),
        makeRecord({ seq: 2, rowId: 'down', outcome: 'timeout', output: '', errorMsg: 'total timeout' }),
      ],
      requestsTotal: 3,
    });
    expect(html).toContain('<input type="checkbox" id="outputs-failures-only">');
    expect(html).toContain('Only rows with a failure or no answer (2 of 3)');
    expect(html).toMatch(/<tr class="outputs-clean"><td><strong class="text">good</);
    expect(html).toMatch(/<tr class="outputs-failing"><td><strong class="text">bad</);
    expect(html).toMatch(/<tr class="outputs-failing"><td><strong class="text">down</);
    expect(html).not.toContain('<script');
    // The checkbox precedes the table as a sibling, so `:checked ~` reaches it.
    expect(html.indexOf('outputs-failures-only')).toBeLessThan(html.indexOf('<div class="table-wrap">'));
    expect(OUTPUTS_CSS).toContain('#outputs-failures-only:checked ~ .table-wrap tr.outputs-clean { display: none; }');
  });

  it('lists the rows in dataset order when the row ids are given, whatever order the answers came in', () => {
    const records = [
      makeRecord({ seq: 0, rowId: 'third', assertResult: 'pass' }),
      makeRecord({ seq: 1, rowId: 'first', assertResult: 'pass' }),
      makeRecord({ seq: 2, rowId: 'second', assertResult: 'pass' }),
    ];
    const order = (html: string): string[] => [...html.matchAll(/<tr class="outputs-\w+"><td><strong class="text">(\w+)</g)].map(([, id]) => id!);
    expect(order(renderOutputsSection(summary, { records, requestsTotal: 3 }))).toEqual(['third', 'first', 'second']);
    expect(order(renderOutputsSection(summary, { records, requestsTotal: 3, rowIds: ['first', 'second', 'third'] }))).toEqual(['first', 'second', 'third']);
  });

  it('cuts a long answer to a preview with the rest behind "more"', () => {
    const long = `${'x'.repeat(OUTPUTS_PREVIEW_CHARS)}TAIL`;
    const html = renderOutputsSection(summary, { records: [makeRecord({ output: long })], requestsTotal: 1 });
    expect(html).toContain(`${'x'.repeat(OUTPUTS_PREVIEW_CHARS)}…</span><details><summary>more (${OUTPUTS_PREVIEW_CHARS + 4} characters)</summary>`);
    expect(html).toContain('TAIL</span></details>');
  });

  it('under --baseline sets the baseline answer of the same row and repeat beside, with a diff', () => {
    const base = makeSummary({
      cells: [makeCell({ id: 'base-c0' }), makeCell({ id: 'base-c1', model: 'ernie-4.0-8k', label: 'x', params: { temperature: 0.9 } })],
    });
    const html = renderOutputsSection(summary, {
      records: [
        makeRecord({ seq: 0, rowId: 'en', repeat: 0, output: 'The capital is Lyon.' }),
        makeRecord({ seq: 1, rowId: 'zh', repeat: 1, output: '上海是首都。' }),
        makeRecord({ seq: 2, rowId: 'same', cellId: 'c1', output: 'Same <b>text</b>' }),
      ],
      requestsTotal: 3,
      baseline: {
        dir: 'reports/base',
        summary: base,
        records: [
          makeRecord({ seq: 0, cellId: 'base-c0', rowId: 'en', repeat: 0, output: 'The capital is Paris.' }),
          makeRecord({ seq: 1, cellId: 'base-c0', rowId: 'zh', repeat: 0, output: 'wrong repeat' }),
          makeRecord({ seq: 2, cellId: 'base-c0', rowId: 'zh', repeat: 1, output: '北京是首都。' }),
          makeRecord({ seq: 3, cellId: 'base-c1', rowId: 'same', output: 'Same <b>text</b>' }),
        ],
      },
    });
    expect(html).toContain('baseline answer:</span> <span class="text">The capital is Paris.</span>');
    expect(html).toContain('word diff, baseline → this run</summary><span class="text diff">The capital is <del>Paris</del><ins>Lyon</ins>.</span>');
    expect(html).toContain('character diff, baseline → this run</summary><span class="text diff"><del>北京</del><ins>上海</ins>是首都。</span>');
    expect(html).not.toContain('wrong repeat');
    expect(html).toContain('same answer as the baseline');
    expect(html).toContain('reports&#47;base');
  });

  it('is bounded and says how many rows and cells more there are', () => {
    const records = Array.from({ length: OUTPUTS_ROW_LIMIT + 5 }, (_, seq) => makeRecord({ seq, rowId: `row-${seq}` }));
    const html = renderOutputsSection(summary, { records, requestsTotal: 5000 });
    expect(html.match(/<tr class=/g)).toHaveLength(OUTPUTS_ROW_LIMIT);
    expect(html).toContain(`Built from the first ${records.length} of 5000 requests`);
    expect(html).toContain(`Showing ${OUTPUTS_ROW_LIMIT} of ${OUTPUTS_ROW_LIMIT + 5} rows; requests.csv has the rest.`);
  });

  it('is part of report.html when there are requests, with its CSS', () => {
    const page = renderHtmlReport(summary, { requests: [makeRecord({ assertResult: 'pass' })] });
    expect(page).toContain('<section id="outputs">');
    expect(page).toContain('#outputs-failures-only:checked');
    expect(renderHtmlReport(summary)).not.toContain('<section id="outputs">');
  });
});
