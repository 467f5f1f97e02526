/**
 * compare.html: the comparison of two runs as one self-contained page (same rules as
 * report.html: inline CSS, charts as inline SVG, no script, every name escaped).
 */
import { countText, definitionList, escapeHtml, jsonForScript, renderChartFigure, renderPage, renderTable, section, type RenderedChart } from '../html-kit.js';
import type { CellComparison, ComparisonResult, MetricDelta, RunRef } from '../../compare/index.js';
import { formatDelta, formatInterval, formatP, formatRelative, formatValue } from '../../compare/format.js';
import type { RankTestResult, Verdict } from '../../compare/stats.js';
import { LISTED_CHANGES_HTML, passRateDelta, passRateLine, unlistedChanges } from './answers-text.js';

const VERDICT_CLASS: Record<Verdict, string> = {
  regression: 'regression',
  improvement: 'improvement',
  changed: 'changed',
  'no significant change': 'none',
  'insufficient data': 'insufficient',
  'not tested': 'untested',
};

export function verdictHtml(verdict: Verdict): string {
  return `<span class="verdict verdict-${VERDICT_CLASS[verdict]}">${escapeHtml(verdict)}</span>`;
}

function renderRuns(result: ComparisonResult): string {
  const rows: Array<[string, RunRef]> = [
    ['base', result.base],
    ['candidate', result.candidate],
  ];
  return renderTable(
    rows,
    [
      { header: 'Run', html: ([role]) => `<strong>${escapeHtml(role)}</strong>` },
      { header: 'Folder', html: ([, r]) => `<span class="text">${escapeHtml(r.dir)}</span>` },
      { header: 'Started', html: ([, r]) => escapeHtml(r.startedAt) },
      { header: 'qfbench', html: ([, r]) => escapeHtml(r.version) },
      { header: 'Seed', html: ([, r]) => countText(r.seed), numeric: true },
      { header: 'Models', html: ([, r]) => r.models.map(escapeHtml).join(', ') },
      { header: 'Simulated', html: ([, r]) => (r.simulated ? '<strong class="sim-text">SIMULATED</strong>' : 'no') },
    ],
    { caption: 'Runs compared' },
  );
}

function rankTestText(name: string, test: RankTestResult | null): string {
  if (test === null) return `${escapeHtml(name)}: no data for the rank test.`;
  return (
    `${escapeHtml(name)} distribution: P(candidate &gt; base) = ${test.probabilityCandidateGreater.toFixed(3)}, Mann-Whitney p ` +
    `= ${escapeHtml(formatP(test.pValue))} (${test.nBase} vs ${test.nCandidate} values).`
  );
}

function renderCell(cell: CellComparison, level: string): string {
  const table = renderTable(
    cell.deltas,
    [
      { header: 'Metric', html: (d: MetricDelta) => escapeHtml(d.label) },
      { header: 'Base', html: (d) => escapeHtml(formatValue(d.unit, d.base)), numeric: true },
      { header: 'Candidate', html: (d) => escapeHtml(formatValue(d.unit, d.candidate)), numeric: true },
      { header: 'Δ', html: (d) => escapeHtml(formatDelta(d.unit, d.delta)), numeric: true },
      { header: 'Δ%', html: (d) => escapeHtml(formatRelative(d.relative)), numeric: true },
      { header: `${level} CI of Δ`, html: (d) => escapeHtml(formatInterval(d.unit, d.interval)), numeric: true },
      { header: 'p', html: (d) => escapeHtml(formatP(d.pValue)), numeric: true },
      { header: 'Verdict', html: (d) => verdictHtml(d.verdict) },
      { header: 'Why', html: (d) => `<span class="note">${escapeHtml(d.confidenceStatement)}</span>` },
    ],
    { caption: cell.label, className: 'deltas' },
  );
  const tests = `<p class="note">${rankTestText('Latency', cell.rankTests.latency)} ${rankTestText('TTFT', cell.rankTests.ttft)}</p>`;
  return table + tests + renderAnswers(cell);
}

/** The cell's pass-rate change with its verdict, and the rows whose verdict changed (the failing side's reason beside each). */
function renderAnswers(cell: CellComparison): string {
  const answers = cell.answers;
  const delta = passRateDelta(cell);
  if (answers === undefined || delta === undefined) return '';
  const line = `<p class="answers"><strong>Pass rate</strong> ${escapeHtml(passRateLine(answers, delta))} — ${verdictHtml(delta.verdict)}</p>`;
  if (answers.passToFail + answers.failToPass === 0) return `${line}<p class="note">No row changed verdict.</p>`;
  const listed = answers.changes.slice(0, LISTED_CHANGES_HTML);
  const table = renderTable(
    listed,
    [
      { header: 'Row', html: (c) => `<span class="text">${escapeHtml(c.rowId)}</span>` },
      { header: 'Repeat', html: (c) => String(c.repeat), numeric: true },
      {
        header: 'Change',
        html: (c) =>
          c.change === 'pass→fail' ? '<span class="verdict verdict-regression">pass→fail</span>' : '<span class="verdict verdict-improvement">fail→pass</span>',
      },
      { header: 'Reason (failing side)', html: (c) => `<span class="text">${escapeHtml(c.reason)}</span>` },
    ],
    { caption: `${cell.label}: row verdict changes`, className: 'verdict-changes' },
  );
  const more = unlistedChanges(answers, listed.length);
  return line + table + (more > 0 ? `<p class="note">… and ${more} more changed verdict(s) not listed.</p>` : '');
}

function renderUnmatched(result: ComparisonResult): string {
  const { base, candidate } = result.unmatched;
  if (base.length === 0 && candidate.length === 0) return section('unmatched', 'Unmatched cells', '<p>Every cell matched.</p>');
  const list = (refs: typeof base): string => (refs.length === 0 ? '(none)' : `<ul>${refs.map((r) => `<li>${escapeHtml(r.label)}</li>`).join('')}</ul>`);
  return section(
    'unmatched',
    'Unmatched cells',
    definitionList([
      ['Only in base', list(base)],
      ['Only in candidate', list(candidate)],
    ]) + '<p class="note">Cells are matched by model and parameters (and load point, for sweeps).</p>',
  );
}

function renderMethod(result: ComparisonResult): string {
  const o = result.options;
  const level = `${Math.round(o.confidence * 100)}%`;
  return section(
    'method',
    'Method',
    `<ul class="note">
<li>Timings and tokens come from the ok rows of each run's requests.csv; each cell and series is reservoir-sampled to at most ${o.maxSamples} values ` +
      `(seed ${o.seed}).</li>
<li>Percentile deltas: ${level} percentile-bootstrap interval of the difference (${o.resamples} resamples, seeded). Whole distributions: Mann-Whitney U ` +
      `rank test (two-sided, tie- and continuity-corrected).</li>
<li>Error and throttle rates: Newcombe hybrid score interval of the difference; p from the pooled two-proportion z-test.</li>
<li>Assertion pass rate (passed of passed + failed + errored): when every verdict of both runs pairs by row id and repeat, an exact McNemar test ` +
      `on the rows whose verdict changed and Newcombe's paired score interval; otherwise a two-sided Fisher exact test on the counts and the hybrid score ` +
      `interval. It is a regression or an improvement only when p &lt; ${escapeHtml(`${+(1 - o.confidence).toFixed(4)}`)} and the relative change is ` +
      `beyond the tolerance.</li>
<li>Throughput: the summaries' rates; interval from a bootstrap of the gaps between ok completions (indicative, since the cells of a run share the server).</li>
<li>A change is a <strong>regression</strong> or an <strong>improvement</strong> only when its interval excludes 0 and its relative size is beyond ` +
      `±${(o.tolerance * 100).toFixed(0)}%; otherwise it is "no significant change". Token changes are "changed", neither good nor bad.</li>
</ul>`,
  );
}

export interface CompareHtmlOptions {
  /** The delta chart, rendered by `renderDeltaChart`. */
  chart?: RenderedChart;
}

export function renderCompareHtml(result: ComparisonResult, options: CompareHtmlOptions = {}): string {
  const simulated = result.base.simulated || result.candidate.simulated;
  const level = `${Math.round(result.options.confidence * 100)}%`;
  const banner = simulated
    ? `<div class="sim-banner" role="alert"><strong>SIMULATED</strong> — ${
        result.base.simulated && result.candidate.simulated ? 'both runs' : result.base.simulated ? 'the base run' : 'the candidate run'
      } used the built-in simulator; these figures say nothing about a real API.</div>`
    : '';
  const headline =
    `<p><strong>${result.regressions} regression(s), ${result.improvements} improvement(s)</strong> in ${result.matched.length} matched ` +
    `cell(s); tolerance ±${(result.options.tolerance * 100).toFixed(0)}%, ${level} intervals.</p>`;
  const chart =
    options.chart !== undefined ? section('delta-chart', 'Changes at a glance', `<div class="charts">${renderChartFigure(options.chart)}</div>`) : '';
  const cells =
    result.matched.length > 0
      ? section('cells', 'Matched cells', result.matched.map((cell) => renderCell(cell, level)).join('\n'))
      : section('cells', 'Matched cells', '<p>No cell matched.</p>');
  const body = [
    `<header><h1>qfbench compare${simulated ? ' <span class="sim-tag">SIMULATED</span>' : ''}</h1>
<nav class="toc"><a href="#runs">Runs</a><a href="#delta-chart">Chart</a><a href="#cells">Cells</a><a href="#unmatched">Unmatched</a><a ` +
      `href="#method">Method</a></nav></header>`,
    banner,
    section('runs', 'Runs', renderRuns(result) + headline),
    chart,
    cells,
    renderUnmatched(result),
    renderMethod(result),
    `<footer>Generated by qfbench. Self-contained: this file loads nothing from anywhere.</footer>`,
    `<script type="application/json" id="qfbench-comparison">${jsonForScript(result)}</script>`,
  ];
  const title = `${simulated ? '[SIMULATED] ' : ''}qfbench compare — ${result.regressions} regression(s)`;
  return renderPage(title, body.filter((s) => s !== '').join('\n'), { css: 'table.deltas td:last-child { min-width: 220px; }' });
}

/** The delta chart of a comparison, rendered; undefined when no metric can be charted. */
export async function renderDeltaChart(result: ComparisonResult): Promise<RenderedChart | undefined> {
  const { deltaChartData, deltaChartSpec } = await import('../charts/delta-chart.js');
  const { renderVegaLiteSvg } = await import('../charts/vega-svg.js');
  const points = deltaChartData(result);
  if (points.length === 0) return undefined;
  const title = 'Relative change of timings and throughput, candidate vs base';
  const svg = await renderVegaLiteSvg(deltaChartSpec(points, result.options.tolerance), title);
  return {
    id: 'deltas',
    title,
    svg,
    noteHtml:
      `Shaded band: ±${escapeHtml((result.options.tolerance * 100).toFixed(0))}% tolerance. ` +
      `Bars: ${Math.round(result.options.confidence * 100)}% confidence intervals. Right of 0 is slower for timings and faster for throughput.`,
  };
}
