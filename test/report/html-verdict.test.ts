import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html.js';
import { CELL_SORT_SCRIPT, COLUMN_SETS } from '../../src/report/html-cells.js';
import type { RunChecks, RunSummary } from '../../src/metrics/types.js';
import { dist, makeCell, makeSummary } from './fixtures.js';

const HOSTILE = '<img src=x onerror="alert(1)">';

function withChecks(summary: RunSummary, checks: RunChecks): RunSummary {
  return { ...summary, checks };
}

/** Where each section starts in the page. */
function sectionOrder(page: string): string[] {
  return [...page.matchAll(/<section id="([^"]+)">/g)].map(([, id]) => id!);
}

describe('report.html: the verdict first', () => {
  it('puts the verdict and the cell table before everything else, and the run metadata last and folded', () => {
    const page = renderHtmlReport(makeSummary({ simulated: true }), {});
    const order = sectionOrder(page);
    expect(order.slice(0, 2)).toEqual(['verdict', 'cells']);
    expect(order.at(-1)).toBe('run');
    expect(page).toMatch(/<section id="run">\n<details class="run-meta"><summary><h2>Run<\/h2>/);
    expect(page).not.toMatch(/<details class="run-meta" open/);
    // The table of contents follows the sections, whatever sections a page has.
    expect(page).toMatch(/<nav class="toc"><a href="#verdict">Verdict<\/a><a href="#cells">Comparison<\/a>/);
    // The SIMULATED banner stays above the verdict.
    expect(page.indexOf('class="sim-banner"')).toBeLessThan(page.indexOf('<section id="verdict">'));
  });

  it('names the best cell per objective and by how much it leads', () => {
    const page = renderHtmlReport(makeSummary(), {});
    // The fixtures' cells: c0 is faster (latency p50 1200 vs 2400 ms) and has the higher output rate.
    expect(page).toContain('<strong>fastest latency p50</strong>');
    expect(page).toMatch(/fastest latency p50[\s\S]*?ernie-speed-8k temperature=0\.3<\/span> <strong class="obj-value">1200\.0 ms<\/strong>/);
    expect(page).toMatch(/runner-up <span class="cell-name">ernie-4\.0-8k temperature=0\.9<\/span> · 2400\.0 ms/);
    expect(page).toContain('lead <strong>−1200.0 ms (−50.0%)</strong>');
    // The fixtures carry no histograms: the data cannot separate the cells, and the page says why.
    expect(page).toContain('not enough data');
    expect(page).toContain('<strong>highest output tokens&#47;s</strong>');
    expect(page).not.toContain('highest pass rate');
  });

  it('shows each check with pass/fail, the status and the exit code, escaped', () => {
    const summary = withChecks(makeSummary(), {
      exitCode: 3,
      status: 'failed',
      results: [
        { kind: 'outcome', name: 'requests answered', pass: true, detail: '18 of 20 planned requests answered ok' },
        { kind: 'assertions', name: 'assertions', cell: HOSTILE, pass: false, detail: '7 of 10 answers passed' },
        { kind: 'threshold', name: 'threshold latency.p95<3000', pass: true, detail: 'latency p95 = 2316 ms (limit < 3000 ms)' },
      ],
    });
    const page = renderHtmlReport(summary);
    expect(page).toContain('<div class="checks-box checks-failed">');
    expect(page).toContain('<span class="status status-failed">FAILED</span>');
    expect(page).toContain('exit code <strong>3</strong>');
    expect(page).toContain('2 of 3 check(s) passed');
    expect(page).toMatch(
      /<li class="check-bad" title="[^"]*"><span class="mark-fail">✗ FAIL<\/span> <strong>assertions<\/strong> <span class="note">\(&lt;img/,
    );
    expect(page).toContain('<span class="mark-pass">✓ pass</span> <strong>threshold latency.p95&lt;3000</strong> — latency p95 = 2316 ms (limit &lt; 3000 ms)');
    expect(page).not.toContain(HOSTILE);
  });

  it('says when a summary records no checks, and when a run had none', () => {
    expect(renderHtmlReport(makeSummary())).toContain('Checks: not recorded');
    const none = renderHtmlReport(withChecks(makeSummary(), { exitCode: 0, status: 'passed', results: [] }));
    expect(none).toContain('exit code <strong>0</strong>');
    expect(none).toContain('No checks: no assertion, threshold, baseline or budget could fail this run.');
  });

  it("marks the Pareto-optimal cells and shows the client's overhead", () => {
    const summary = makeSummary();
    summary.run.client = {
      eventLoopDelayMs: { ...dist(2), count: 100 },
      cpuUserMs: 1500,
      cpuSystemMs: 250,
      cpuShare: 0.07,
      warning: 'event-loop delay p99 is large against the TTFT measured',
    };
    const page = renderHtmlReport(summary);
    // c0 is faster and nothing else is compared: it alone is on the front.
    expect(page).toMatch(
      /<p class="pareto-line"><span class="pareto">◆ Pareto<\/span> over latency p50 \(one dimension only: the best cell\): <span class="cell-name">ernie-speed-8k/,
    );
    expect(page).toMatch(/<span class="cell-name">ernie-speed-8k temperature=0\.3<\/span> <span class="pareto"/);
    expect(page).toContain('Client overhead: event-loop delay p50 2.0 ms, p99 4.0 ms, max 5.0 ms; CPU 7% of one core (user 1.5 s, system 0.3 s).');
    expect(page).toContain('<strong class="warn-text">event-loop delay p99 is large against the TTFT measured</strong>');
  });

  it('keeps a merged or resumed run labelled', () => {
    const summary = makeSummary();
    summary.run.sessions = [
      { startedAt: '2025-01-02T03:04:05.000Z', endedAt: '2025-01-02T03:04:35.000Z' },
      { startedAt: '2025-01-02T04:00:00.000Z', endedAt: '2025-01-02T04:00:30.000Z' },
    ];
    const page = renderHtmlReport(summary);
    expect(page).toContain('<div class="notice provenance" role="status"><p>RESUMED: 2 sessions');
    expect(page.indexOf('RESUMED')).toBeLessThan(page.indexOf('<section id="verdict">'));
  });
});

describe('report.html: the cell table', () => {
  const summary = makeSummary({
    cells: [
      makeCell({ id: 'c0', label: 'slow', latencyMs: dist(2000) }),
      makeCell({ id: 'c1', label: 'fast', latencyMs: dist(1000) }),
      makeCell({ id: 'c2', label: 'middle', latencyMs: dist(1500) }),
    ],
  });
  const page = renderHtmlReport(summary);

  it('has one radio button per column set, Overview checked, and every column in one set', () => {
    // The checks set has a button only in a run with assertions or --slo; these fixtures have neither.
    for (const [id] of COLUMN_SETS) {
      if (id === 'checks') expect(page).not.toContain(`id="cols-${id}"`);
      else expect(page).toContain(`id="cols-${id}"`);
    }
    expect(page).toMatch(/<input type="radio" class="colset" name="cell-columns" id="cols-overview" value="overview" aria-label="Overview columns" checked>/);
    const table = /<table class="cells">[\s\S]*?<\/table>/.exec(page)![0];
    const cellTags = table.match(/<t[hd]\b[^>]*>/g) ?? [];
    for (const tag of cellTags) expect(tag).toMatch(/class="[^"]*\bset-(all|overview|latency|tokens|outcomes)\b/);
    // The CSS hides every column outside the checked set; no script needed.
    expect(page).toContain('#cols-latency:checked ~ .table-wrap table.cells :is(th, td):not(.set-all, .set-latency)');
  });

  it('has a checks set with the score, each named metric and goodput when the run has them', () => {
    const assertions = (score: number, facts: number) => ({
      passed: 3,
      failed: 1,
      errored: 0,
      skipped: 0,
      passRate: 0.75,
      score,
      metrics: { facts: { score: facts, passed: 3, failed: 1 }, [HOSTILE]: { score: 0.5, passed: 1, failed: 1 } },
    });
    const checked = renderHtmlReport(
      makeSummary({
        cells: [
          makeCell({ id: 'c0', label: 'a', assertions: assertions(0.9, 1), goodput: { met: 4, perSec: 2, attainment: 1 } }),
          makeCell({ id: 'c1', label: 'b', assertions: assertions(0.6, 0.5), goodput: { met: 2, perSec: 1, attainment: 0.5 } }),
        ],
      }),
    );
    expect(checked).toContain('id="cols-checks"');
    const table = /<table class="cells">[\s\S]*?<\/table>/.exec(checked)![0];
    for (const header of ['Metrics (score)', 'Goodput (--slo)', '>score<', '>facts<', '>good&#47;s<', '>met<']) expect(table).toContain(header);
    // A metric's name is dataset text: escaped like any other.
    expect(table).not.toContain(HOSTILE);
    expect(table).toContain('&lt;img src=x');
    expect(table).toMatch(/<td class="num set-checks" data-sort="0.9"><strong>0\.90<\/strong><span class="best-mark"/);
  });

  it('marks the best value of a column in bold with a ★ and the word "best"', () => {
    expect(page).toMatch(
      /<td class="num set-overview" data-sort="1000"><strong>1000\.0<\/strong><span class="best-mark" title="best of the column"><span aria-hidden="true">★<\/span><span class="vh"> \(best\)<\/span><\/span><\/td>/,
    );
    expect(page).toContain('<td class="num set-overview" data-sort="2000">2000.0</td>');
    // Equal values everywhere (the fixtures' TTFT): nothing to mark.
    expect(page).not.toMatch(/<strong>300\.0<\/strong><span class="best-mark"/);
  });

  it('carries the values a sort orders by, and the sort script under the CSP', () => {
    expect(page).toContain('<td class="set-all" data-sort="slow">');
    expect(page).toContain(`<script>${CELL_SORT_SCRIPT}</script>`);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!;
    expect(csp.match(/'sha256-[^']+'/g)).toHaveLength(1);
  });
});
