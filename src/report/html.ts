/**
 * report.html: one self-contained page per run. Nothing is loaded from anywhere (no CDN, fonts or
 * images; a Content-Security-Policy forbids it), the CSS is inline, charts are inline SVG drawn
 * at report time (src/report/charts), and every piece of data is HTML-escaped, so hostile model
 * output or names stay text. The only scripts are the request-table filter and the cell table's
 * sort, each allowed by its hash; the page reads fine without them.
 *
 * The page answers first (html-verdict.ts: checks, best cell per objective, Pareto front; then
 * html-cells.ts: the cell table) and keeps the details below, the run metadata last and folded.
 * Each section is its own small function over the summary. `renderHtmlReport` is synchronous and
 * takes charts already rendered; `renderHtmlReportWithCharts` renders them first (Vega is async).
 */
import { cellObjectives } from '../compare/objectives.js';
import { paretoCells } from '../compare/pareto.js';
import type { RequestRecord, RunSummary } from '../metrics/types.js';
import { provenanceLines } from './provenance.js';
import {
  countText,
  DASH,
  definitionList,
  escapeHtml,
  jsonForScript,
  renderChartFigure,
  renderPage,
  renderTable,
  truncateText,
  section,
  type RenderedChart,
} from './html-kit.js';
import { CELL_SORT_SCRIPT, CELL_TABLE_CSS, renderCellsSection } from './html-cells.js';
import { renderLoadSection } from './html-load.js';
import { renderCapacitySection } from './html-capacity.js';
import { renderSessionsSection } from './html-sessions.js';
import { OUTPUTS_CSS, renderOutputsSection, type BaselineAnswers } from './html-outputs.js';
import { renderRequestsSection, REQUEST_FILTER_CSS, REQUEST_FILTER_SCRIPT } from './html-requests.js';
import { renderVerdictSection, VERDICT_CSS } from './html-verdict.js';

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
  /** Under `--baseline`: the baseline's answers, set beside this run's in the outputs section. */
  baseline?: BaselineAnswers;
  /** The datasets' row ids in file order, for the outputs section's row order. */
  rowIds?: readonly string[];
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
  // Below the answer and folded: who ran what, for when a figure needs explaining.
  const gist = [run.models.join(', '), run.startedAt, publicBaseUrl(run.baseUrl)].join(' · ');
  return `<section id="run">
<details class="run-meta"><summary><h2>Run</h2> <span class="note">${escapeHtml(gist)}</span></summary>
${definitionList(items)}
</details>
</section>`;
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

/** The page's sections in order, each `<section id>` with its `<h2>`: the table of contents reads them. */
function sectionLinks(sections: readonly string[]): string {
  const links: string[] = [];
  for (const html of sections) {
    const match = /^<section id="([^"]+)">\s*(?:<details[^>]*><summary>)?<h2>([^<]*)<\/h2>/.exec(html);
    if (match !== null) links.push(`<a href="#${match[1]}">${match[2]}</a>`);
  }
  return links.join('');
}

function renderHeader(summary: RunSummary, sections: readonly string[]): string {
  const models = summary.run.models.join(', ');
  return `<header><h1>qfbench report${summary.run.simulated ? ' <span class="sim-tag">SIMULATED</span>' : ''}</h1>
<p class="note">${escapeHtml(models)} · ${escapeHtml(summary.run.startedAt)} · ${summary.cells.length} cell(s)</p>
<nav class="toc">${sectionLinks(sections)}</nav></header>`;
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
  const outputsSection =
    requests === undefined
      ? ''
      : renderOutputsSection(summary, {
          records: requests.slice(0, HTML_REQUEST_ROW_LIMIT),
          requestsTotal: Math.max(options.requestsTotal ?? 0, requests.length),
          ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
          ...(options.rowIds !== undefined ? { rowIds: options.rowIds } : {}),
        });
  // The verdict reads the per-request rows too (the output rate's interval needs completion instants).
  const objectives = cellObjectives(summary.cells, requests !== undefined ? { records: requests } : {});
  const pareto = paretoCells(summary.cells);
  // The answer first (verdict, cells), the details below, the run's metadata last and folded.
  // Another feature's section is one more call in this list.
  const sections = [
    renderVerdictSection(summary, objectives, pareto),
    renderCellsSection(summary, pareto),
    renderLoadSection(summary),
    renderCapacitySection(summary),
    renderSessionsSection(summary),
    renderCharts(summary, options.charts),
    outputsSection,
    renderErrors(summary),
    requestsSection,
    renderRunMetadata(summary),
  ].filter((s) => s !== '');
  const page = [
    renderHeader(summary, sections),
    renderSimulatedBanner(summary),
    renderInterruptedNotice(summary),
    renderProvenanceNotice(summary),
    ...sections,
    renderFooter(summary),
    renderEmbeddedSummary(summary),
  ];
  return renderPage(title, page.filter((s) => s !== '').join('\n'), {
    css: VERDICT_CSS + CELL_TABLE_CSS + (requestsSection !== '' ? REQUEST_FILTER_CSS : '') + (outputsSection !== '' ? OUTPUTS_CSS : ''),
    scripts: [...(requestsSection !== '' ? [REQUEST_FILTER_SCRIPT] : []), CELL_SORT_SCRIPT],
  });
}

/** The report page with its charts (Vega renders them asynchronously, so this is async). */
export async function renderHtmlReportWithCharts(summary: RunSummary, options: Omit<HtmlReportOptions, 'charts'> = {}): Promise<string> {
  const { renderRunCharts } = await import('./charts/run-charts.js');
  return renderHtmlReport(summary, { ...options, charts: await renderRunCharts(summary) });
}
