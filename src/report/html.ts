/**
 * report.html: one self-contained page per run. Nothing is loaded from anywhere (no CDN, fonts or
 * images; a Content-Security-Policy forbids it), the CSS is inline, charts are inline SVG drawn
 * at report time (src/report/charts), and every piece of data is HTML-escaped, so hostile model
 * output or names stay text. The only script is the small request-table filter, allowed by its
 * hash; the page reads fine without it.
 *
 * Each section is its own small function over the summary. `renderHtmlReport` is synchronous and
 * takes charts already rendered; `renderHtmlReportWithCharts` renders them first (Vega is async).
 */
import type { CellSummary, DistributionSummary, RequestRecord, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { provenanceLines } from './provenance.js';
import { cellRates, fixed, formatCny, hasReasoning, stat } from './format.js';
import {
  countText,
  DASH,
  definitionList,
  escapeHtml,
  jsonForScript,
  msText,
  percentText,
  renderChartFigure,
  renderPage,
  renderTable,
  section,
  truncateText,
  type Column,
  type HeaderGroup,
  type RenderedChart,
} from './html-kit.js';
import { renderLoadSection } from './html-load.js';
import { renderRequestsSection, REQUEST_FILTER_CSS, REQUEST_FILTER_SCRIPT } from './html-requests.js';

export { escapeHtml, jsonForScript, truncateText } from './html-kit.js';
export type { RenderedChart } from './html-kit.js';
export { HTML_OUTPUT_PREVIEW_CHARS } from './html-requests.js';

export interface HtmlReportOptions {
  /** Per-request rows; only the first `HTML_REQUEST_ROW_LIMIT` are shown. */
  requests?: readonly RequestRecord[];
  /** How many requests the run has in all, when `requests` holds only the first of them. */
  requestsTotal?: number;
  /** Charts rendered by `renderRunCharts`; without them the page says how to get them. */
  charts?: readonly RenderedChart[];
}

export const HTML_REQUEST_ROW_LIMIT = 2000;

// ---------------------------------------------------------------------------------------------
// Sections

function renderSimulatedBanner(summary: RunSummary): string {
  if (!summary.run.simulated) return '';
  return (
    `<div class="sim-banner" role="alert"><strong>SIMULATED</strong> — every figure on this page comes from the built-in simulator, not from a ` +
    `real API.</div>`
  );
}

function renderProvenanceNotice(summary: RunSummary): string {
  const lines = provenanceLines(summary);
  if (lines.length === 0) return '';
  return `<div class="notice provenance" role="status">${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</div>`;
}

function renderInterruptedNotice(summary: RunSummary): string {
  if (!summary.run.interrupted) return '';
  return (
    `<div class="notice" role="status"><strong>Interrupted</strong> — the run was stopped before its plan was exhausted; unfinished requests count ` +
    `as cancelled.</div>`
  );
}

function renderParamValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A base URL without credentials, query or fragment (the summary should hold none; make sure). */
export function publicBaseUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') return '';
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }
}

function renderRunMetadata(summary: RunSummary): string {
  const run = summary.run;
  const grid = Object.entries(run.paramGrid);
  const items: Array<[string, string]> = [
    ['Models', run.models.map(escapeHtml).join(', ') || DASH],
    [
      'Parameter grid',
      grid.length === 0
        ? '(none)'
        : grid.map(([key, values]) => `${escapeHtml(key)} = ${values.map((v) => escapeHtml(renderParamValue(v))).join(', ')}`).join('<br>'),
    ],
    ['Datasets', run.datasets.map((d) => `${escapeHtml(d.file)} (${countText(d.rows)} rows)`).join('<br>') || DASH],
    ['Repeat', countText(run.repeat)],
    ['Concurrency', countText(run.concurrency)],
    ['Streaming', run.stream ? 'yes' : 'no'],
    ['Seed', countText(run.seed)],
    ['Provider', escapeHtml(run.provider)],
    ['Base URL', escapeHtml(publicBaseUrl(run.baseUrl)) || DASH],
    ['Started', escapeHtml(run.startedAt)],
    ['Ended', escapeHtml(run.endedAt)],
    ['Duration', `${(run.durationMs / 1000).toFixed(1)} s`],
    ['Simulated', run.simulated ? '<strong class="sim-text">yes</strong>' : 'no'],
    ...(run.replayedFrom !== undefined
      ? [['Replayed from', `${escapeHtml(run.replayedFrom)} (answers from a recording: no timing or cost figure)`] as [string, string]]
      : []),
    ['Interrupted', run.interrupted ? 'yes' : 'no'],
    ...(run.plan !== undefined ? [['Plan hash', `<code>${escapeHtml(run.plan.hash.slice(0, 16))}…</code>`] as [string, string]] : []),
    ...(run.sessions !== undefined && run.sessions.length > 1
      ? [
          ['Sessions', run.sessions.map((session) => `${escapeHtml(session.startedAt)} – ${escapeHtml(session.endedAt ?? 'killed')}`).join('<br>')] as [
            string,
            string,
          ],
        ]
      : []),
  ];
  items.push(
    ['Tool', `${escapeHtml(summary.tool.name)} ${escapeHtml(summary.tool.version)}`],
    ['Metrics definition', `version ${countText(run.metricsDefinitionVersion)}`],
  );
  return section('run', 'Run', definitionList(items));
}

function distColumns(
  pick: (cell: CellSummary) => DistributionSummary | undefined,
  keys: ReadonlyArray<'p50' | 'p90' | 'p95' | 'p99' | 'mean' | 'max'>,
): Column<CellSummary>[] {
  return keys.map((key) => ({ header: key, html: (c) => msText(stat(pick(c), key)), numeric: true }));
}

/** Cost of a cell for a table: the amount, or "unknown" (never 0) when it could not be priced. */
export function costHtml(cell: CellSummary): string {
  const cost = cell.cost;
  if (cost === undefined || cost.cny === null) return '<span class="unknown">unknown</span>';
  return `¥${escapeHtml(formatCny(cost.cny))}`;
}

/** The run's total cost line, when the run was priced: unknown when any model had no price. */
function totalCostHtml(summary: RunSummary): string {
  const cost = summary.cost;
  if (cost === undefined) return '';
  const amount = cost.totalCny === null ? '<span class="unknown">unknown</span>' : `¥${escapeHtml(formatCny(cost.totalCny))}`;
  const unpriced =
    cost.unpricedModels.length > 0
      ? ` (no price for ${escapeHtml(cost.unpricedModels.join(', '))}; the priced cells come to ¥${escapeHtml(formatCny(cost.knownCny))})`
      : '';
  const stopped = cost.budget?.stopReason !== undefined ? ` Budget stop: ${escapeHtml(cost.budget.stopReason)}.` : '';
  return (
    `<p class="total-cost"><strong>Total cost:</strong> ${amount}${unpriced}, prices as ` +
    `of ${escapeHtml(cost.priceDate)}${cost.simulated ? ' <span class="sim-text">(SIMULATED tokens at real prices)</span>' : ''}.${stopped}</p>`
  );
}

/** A cell's assertion pass rate over every repeat, with the counts behind it. */
function passRateHtml(cell: CellSummary): string {
  const counts = cell.assertions;
  if (counts === undefined || counts.passRate === null) return DASH;
  return (
    `${percentText(counts.passRate)} ` +
    `<span class="note">(${countText(counts.passed)}/${countText(counts.passed + counts.failed + (counts.errored ?? 0))})</span>`
  );
}

function renderComparison(summary: RunSummary): string {
  const pct: ReadonlyArray<'p50' | 'p90' | 'p99'> = ['p50', 'p90', 'p99'];
  const withCost = summary.cells.some((cell) => cell.cost !== undefined);
  const withChecks = summary.cells.some((cell) => cell.assertions !== undefined);
  // Reranker cells' documents per second, only when some cell has them.
  const withDocuments = summary.cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  const withImages = summary.cells.some((cell) => cell.throughput.imagesPerSec !== undefined);
  // Reasoning models' time to first reasoning token and reasoning tokens, only when some cell has them.
  const withReasoning = summary.cells.some(hasReasoning);
  // v1's flags, each only when some cell has one.
  const flagColumns: Column<CellSummary>[] = [
    {
      header: 'unsafe',
      html: (c: CellSummary) => countText(c.flags?.needClearHistory ?? 0),
      numeric: true,
      count: (c: CellSummary) => c.flags?.needClearHistory ?? 0,
    },
    { header: 'truncated', html: (c: CellSummary) => countText(c.flags?.truncated ?? 0), numeric: true, count: (c: CellSummary) => c.flags?.truncated ?? 0 },
  ]
    .filter((flag) => summary.cells.some((cell) => flag.count(cell) > 0))
    .map(({ header, html, numeric }) => ({ header, html, numeric }));
  const columns: Column<CellSummary>[] = [
    { header: 'Cell', html: (c) => escapeHtml(c.label) },
    { header: 'Planned', html: (c) => countText(c.planned), numeric: true },
    ...OUTCOMES.map((o): Column<CellSummary> => ({ header: o, html: (c) => countText(c.outcomes[o]), numeric: true })),
    { header: 'error', html: (c) => percentText(cellRates(c).errorRate), numeric: true },
    { header: 'throttled', html: (c) => percentText(cellRates(c).throttledRate), numeric: true },
    ...distColumns((c) => c.latencyMs, pct),
    ...distColumns((c) => c.ttftMs, pct),
    ...(withReasoning ? distColumns((c) => c.ttfrtMs, pct) : []),
    ...distColumns((c) => c.tpotMs, pct),
    { header: 'prompt', html: (c) => countText(c.tokens.prompt), numeric: true },
    { header: 'completion', html: (c) => countText(c.tokens.completion), numeric: true },
    ...(withReasoning
      ? [{ header: 'reasoning', html: (c: CellSummary) => (c.tokens.reasoning === undefined ? DASH : countText(c.tokens.reasoning)), numeric: true }]
      : []),
    { header: 'total', html: (c) => countText(c.tokens.total), numeric: true },
    { header: 'req/s', html: (c) => fixed(c.throughput.requestsPerSec, 2, DASH), numeric: true },
    { header: 'out tok/s', html: (c) => fixed(c.throughput.outputTokensPerSec, 1, DASH), numeric: true },
    ...(withDocuments ? [{ header: 'docs/s', html: (c: CellSummary) => fixed(c.throughput.documentsPerSec, 1, DASH), numeric: true }] : []),
    ...(withImages ? [{ header: 'img/s', html: (c: CellSummary) => fixed(c.throughput.imagesPerSec, 2, DASH), numeric: true }] : []),
    ...flagColumns,
    ...(withCost ? [{ header: 'CNY', html: costHtml, numeric: true }] : []),
    ...(withChecks ? [{ header: 'pass rate', html: passRateHtml, numeric: true }] : []),
  ];
  const groups: HeaderGroup[] = [
    { label: '', span: 2 },
    { label: 'Outcomes', span: OUTCOMES.length },
    { label: 'Rates', span: 2 },
    { label: 'Latency (ms)', span: 3 },
    { label: 'TTFT (ms)', span: 3 },
    ...(withReasoning ? [{ label: 'First reasoning token (ms)', span: 3 }] : []),
    { label: 'TPOT (ms)', span: 3 },
    { label: 'Tokens (ok requests)', span: withReasoning ? 4 : 3 },
    { label: 'Throughput', span: 2 + (withDocuments ? 1 : 0) + (withImages ? 1 : 0) },
    ...(flagColumns.length > 0 ? [{ label: 'Flags', span: flagColumns.length }] : []),
    ...(withCost ? [{ label: 'Cost', span: 1 }] : []),
    ...(withChecks ? [{ label: 'Assertions', span: 1 }] : []),
  ];
  const costNote = withCost ? ' A cost that could not be priced shows as unknown, never as 0.' : '';
  const note =
    `<p class="note">Error rate = (failed + timeout) ÷ (ok + failed + throttled + timeout); throttled requests are counted apart. ` +
    `Latency, TTFT and TPOT take ok requests only and follow qfbench metrics definition ${escapeHtml(summary.run.metricsDefinitionVersion)}.` +
    `${costNote}</p>${totalCostHtml(summary)}`;
  return section(
    'cells',
    'Comparison',
    renderTable(summary.cells, columns, {
      caption: 'Cells (model × parameters)',
      simulated: summary.run.simulated,
      groups,
      className: 'cells',
    }) + note,
  );
}

function renderCharts(summary: RunSummary, charts: readonly RenderedChart[] | undefined): string {
  if (charts === undefined) {
    return section('charts', 'Charts', '<p class="note">This rendering has no charts; <code>qfbench report DIR</code> draws them from summary.json.</p>');
  }
  if (charts.length === 0) return section('charts', 'Charts', '<p class="note">No data to chart.</p>');
  const sim = summary.run.simulated ? `<p class="note sim-text">SIMULATED: every chart shows simulator figures.</p>` : '';
  return section('charts', 'Charts', `${sim}<div class="charts">\n${charts.map(renderChartFigure).join('\n')}\n</div>`);
}

interface ErrorRow {
  code: string;
  count: number;
  cell: string;
  message: string;
}

function renderErrors(summary: RunSummary): string {
  const rows: ErrorRow[] = [];
  for (const cell of summary.cells) {
    for (const [code, error] of Object.entries(cell.errors)) {
      rows.push({ code, count: error.count, cell: cell.label, message: error.message });
    }
  }
  if (rows.length === 0) return section('errors', 'Errors', '<p>No errors.</p>');
  rows.sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }) || b.count - a.count || a.cell.localeCompare(b.cell));
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.code, (totals.get(row.code) ?? 0) + row.count);
  const table = renderTable(
    rows,
    [
      { header: 'Code', html: (r) => `<strong>${escapeHtml(r.code)}</strong>` },
      { header: 'Count', html: (r) => countText(r.count), numeric: true },
      { header: 'All cells', html: (r) => countText(totals.get(r.code)), numeric: true },
      { header: 'Cell', html: (r) => escapeHtml(r.cell) },
      { header: 'Sample message', html: (r) => `<span class="text">${escapeHtml(truncateText(r.message, 500))}</span>` },
    ],
    { caption: 'Errors by code (Qianfan error_code, HTTP status or transport code)', simulated: summary.run.simulated, className: 'errors' },
  );
  return section('errors', 'Errors', table);
}

function renderEmbeddedSummary(summary: RunSummary): string {
  return `<script type="application/json" id="qfbench-summary">${jsonForScript(summary)}</script>`;
}

// ---------------------------------------------------------------------------------------------
// Page

function renderHeader(summary: RunSummary, hasRequests: boolean, hasLoad: boolean): string {
  const models = summary.run.models.join(', ');
  const toc = [
    ['run', 'Run'],
    ...(hasLoad ? [['load', 'Load']] : []),
    ['cells', 'Comparison'],
    ['charts', 'Charts'],
    ['errors', 'Errors'],
    ...(hasRequests ? [['requests', 'Requests']] : []),
  ]
    .map(([id, name]) => `<a href="#${id}">${name}</a>`)
    .join('');
  return `<header><h1>qfbench report${summary.run.simulated ? ' <span class="sim-tag">SIMULATED</span>' : ''}</h1>
<p class="note">${escapeHtml(models)} · ${escapeHtml(summary.run.startedAt)} · ${summary.cells.length} cell(s)</p>
<nav class="toc">${toc}</nav></header>`;
}

function renderFooter(summary: RunSummary): string {
  return (
    `<footer>Generated by ${escapeHtml(summary.tool.name)} ${escapeHtml(summary.tool.version)}; summary schema ` +
    `version ${escapeHtml(summary.schemaVersion)}. Self-contained: this file loads nothing from anywhere.</footer>`
  );
}

/** The whole report page as one self-contained HTML string (charts as given in `options`). */
export function renderHtmlReport(summary: RunSummary, options: HtmlReportOptions = {}): string {
  const simulated = summary.run.simulated;
  const title = `${simulated ? '[SIMULATED] ' : ''}qfbench report — ${summary.run.startedAt}`;
  const requests = options.requests;
  const requestsSection =
    requests === undefined
      ? ''
      : renderRequestsSection(summary, requests.slice(0, HTML_REQUEST_ROW_LIMIT), Math.max(options.requestsTotal ?? 0, requests.length));
  const load = renderLoadSection(summary);
  const sections = [
    renderHeader(summary, requests !== undefined, load !== ''),
    renderSimulatedBanner(summary),
    renderInterruptedNotice(summary),
    renderProvenanceNotice(summary),
    renderRunMetadata(summary),
    load,
    renderComparison(summary),
    renderCharts(summary, options.charts),
    renderErrors(summary),
    requestsSection,
    renderFooter(summary),
    renderEmbeddedSummary(summary),
  ];
  return renderPage(
    title,
    sections.filter((s) => s !== '').join('\n'),
    requestsSection !== '' ? { script: REQUEST_FILTER_SCRIPT, css: REQUEST_FILTER_CSS } : {},
  );
}

/** The report page with its charts (Vega renders them asynchronously, so this is async). */
export async function renderHtmlReportWithCharts(summary: RunSummary, options: Omit<HtmlReportOptions, 'charts'> = {}): Promise<string> {
  const { renderRunCharts } = await import('./charts/run-charts.js');
  return renderHtmlReport(summary, { ...options, charts: await renderRunCharts(summary) });
}
