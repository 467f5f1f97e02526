/**
 * report.html: one self-contained page. Nothing is loaded from anywhere (no CDN, fonts or
 * images; a Content-Security-Policy forbids it), the CSS is inline, and every piece of data is
 * HTML-escaped, so hostile model output or names stay text.
 *
 * Each section is its own small function over the summary, so sections (charts, say) can be added
 * or swapped without touching the rest. The summary is also embedded as JSON
 * (`<script type="application/json" id="qfbench-summary">`) for scripts a later version may add;
 * such a script also needs the CSP below widened (a hash or nonce for that one inline script).
 */
import type { CellSummary, DistributionSummary, RequestRecord, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { cellRates, fixed, isFiniteNumber, stat } from './format.js';

export interface HtmlReportOptions {
  /** Per-request rows; only the first `HTML_REQUEST_ROW_LIMIT` are shown. */
  requests?: readonly RequestRecord[];
}

export const HTML_REQUEST_ROW_LIMIT = 2000;
/** Characters of a model answer shown per request row. */
export const HTML_OUTPUT_PREVIEW_CHARS = 300;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Not needed for safety in text, but it keeps data from ever spelling a literal `https://` in
  // the page source, so "no external URL" stays checkable with a plain search.
  '/': '&#47;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'/]/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * JSON that can sit inside `<script type="application/json">`: `<`, `>`, `&`, `/`, U+2028 and
 * U+2029 are written as JSON escapes, so no `</script>` or `<!--` can appear and JSON.parse of the
 * element's text gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&/\u2028\u2029]/g, (ch) => {
    if (ch === '/') return '\\/';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** `text` cut to `max` characters (whole code points), with `…` when cut. */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const DASH = '–';

function ms(value: number | undefined): string {
  return fixed(value, 1, DASH);
}

function count(value: number | undefined): string {
  return isFiniteNumber(value) ? String(value) : DASH;
}

function percent(rate: number | undefined): string {
  return isFiniteNumber(rate) ? `${(rate * 100).toFixed(1)}%` : DASH;
}

function simTag(simulated: boolean): string {
  return simulated ? ' <span class="sim-tag">simulated</span>' : '';
}

interface Column<T> {
  /** Header text (escaped). */
  header: string;
  /** Cell HTML, already escaped. */
  html: (row: T) => string;
  numeric?: boolean;
}

interface HeaderGroup {
  label: string;
  span: number;
}

function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { caption?: string; simulated?: boolean; groups?: readonly HeaderGroup[]; className?: string } = {},
): string {
  const caption =
    options.caption !== undefined
      ? `<caption>${escapeHtml(options.caption)}${simTag(options.simulated === true)}</caption>`
      : '';
  const groupRow =
    options.groups !== undefined
      ? `<tr>${options.groups
          .map((g) => `<th colspan="${g.span}"${g.label === '' ? '' : ' class="group"'}>${escapeHtml(g.label)}</th>`)
          .join('')}</tr>`
      : '';
  const headRow = `<tr>${columns
    .map((c) => `<th${c.numeric === true ? ' class="num"' : ''}>${escapeHtml(c.header)}</th>`)
    .join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${columns.map((c) => `<td${c.numeric === true ? ' class="num"' : ''}>${c.html(row)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const cls = options.className !== undefined ? ` class="${escapeHtml(options.className)}"` : '';
  return `<div class="table-wrap"><table${cls}>${caption}<thead>${groupRow}${headRow}</thead><tbody>
${body}
</tbody></table></div>`;
}

function section(id: string, title: string, content: string): string {
  return `<section id="${id}">
<h2>${escapeHtml(title)}</h2>
${content}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderSimulatedBanner(summary: RunSummary): string {
  if (!summary.run.simulated) return '';
  return `<div class="sim-banner" role="alert"><strong>SIMULATED</strong> — every figure on this page comes from the built-in simulator, not from a real API.</div>`;
}

function renderInterruptedNotice(summary: RunSummary): string {
  if (!summary.run.interrupted) return '';
  return `<div class="notice" role="status"><strong>Interrupted</strong> — the run was stopped before its plan was exhausted; unfinished requests count as cancelled.</div>`;
}

function renderParamValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function renderRunMetadata(summary: RunSummary): string {
  const run = summary.run;
  const grid = Object.entries(run.paramGrid ?? {});
  const items: Array<[string, string]> = [
    ['Models', (run.models ?? []).map(escapeHtml).join(', ') || DASH],
    [
      'Parameter grid',
      grid.length === 0
        ? '(none)'
        : grid
            .map(([key, values]) => `${escapeHtml(key)} = ${(values ?? []).map((v) => escapeHtml(renderParamValue(v))).join(', ')}`)
            .join('<br>'),
    ],
    [
      'Datasets',
      (run.datasets ?? []).map((d) => `${escapeHtml(d.file)} (${count(d.rows)} rows)`).join('<br>') || DASH,
    ],
    ['Repeat', count(run.repeat)],
    ['Concurrency', count(run.concurrency)],
    ['Streaming', run.stream ? 'yes' : 'no'],
    ['Seed', count(run.seed)],
    ['Provider', escapeHtml(run.provider)],
    ['Base URL', escapeHtml(run.baseUrl)],
    ['Started', escapeHtml(run.startedAt)],
    ['Ended', escapeHtml(run.endedAt)],
    ['Duration', isFiniteNumber(run.durationMs) ? `${(run.durationMs / 1000).toFixed(1)} s` : DASH],
    ['Simulated', run.simulated ? '<strong class="sim-text">yes</strong>' : 'no'],
    ['Interrupted', run.interrupted ? 'yes' : 'no'],
    ['Tool', `${escapeHtml(summary.tool?.name ?? 'qfbench')} ${escapeHtml(summary.tool?.version ?? '')}`],
    ['Metrics definition', `version ${count(run.metricsDefinitionVersion)}`],
  ];
  const dl = `<dl class="meta">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}</dl>`;
  return section('run', 'Run', dl);
}

function distColumns(
  prefix: string,
  pick: (cell: CellSummary) => DistributionSummary,
  keys: ReadonlyArray<'p50' | 'p90' | 'p95' | 'p99' | 'mean' | 'max'>,
): Column<CellSummary>[] {
  return keys.map((key) => ({ header: `${prefix}${key}`, html: (c) => ms(stat(pick(c), key)), numeric: true }));
}

function renderComparison(summary: RunSummary): string {
  const pct: ReadonlyArray<'p50' | 'p90' | 'p99'> = ['p50', 'p90', 'p99'];
  const columns: Column<CellSummary>[] = [
    { header: 'Cell', html: (c) => escapeHtml(c.label) },
    { header: 'Planned', html: (c) => count(c.planned), numeric: true },
    ...OUTCOMES.map((o): Column<CellSummary> => ({ header: o, html: (c) => count(c.outcomes?.[o] ?? 0), numeric: true })),
    { header: 'error', html: (c) => percent(cellRates(c).errorRate), numeric: true },
    { header: 'throttled', html: (c) => percent(cellRates(c).throttledRate), numeric: true },
    ...distColumns('', (c) => c.latencyMs, pct),
    ...distColumns('', (c) => c.ttftMs, pct),
    ...distColumns('', (c) => c.tpotMs, pct),
    { header: 'prompt', html: (c) => count(c.tokens?.prompt), numeric: true },
    { header: 'completion', html: (c) => count(c.tokens?.completion), numeric: true },
    { header: 'total', html: (c) => count(c.tokens?.total), numeric: true },
    { header: 'req/s', html: (c) => fixed(c.throughput?.requestsPerSec, 2, DASH), numeric: true },
    { header: 'out tok/s', html: (c) => fixed(c.throughput?.outputTokensPerSec, 1, DASH), numeric: true },
  ];
  const groups: HeaderGroup[] = [
    { label: '', span: 2 },
    { label: 'Outcomes', span: OUTCOMES.length },
    { label: 'Rates', span: 2 },
    { label: 'Latency (ms)', span: 3 },
    { label: 'TTFT (ms)', span: 3 },
    { label: 'TPOT (ms)', span: 3 },
    { label: 'Tokens (ok requests)', span: 3 },
    { label: 'Throughput', span: 2 },
  ];
  const note = `<p class="note">Error rate = (failed + timeout) ÷ (ok + failed + throttled + timeout); throttled requests are counted apart. Latency, TTFT and TPOT follow qfbench metrics definition ${escapeHtml(summary.run.metricsDefinitionVersion)}.</p>`;
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

function renderErrors(summary: RunSummary): string {
  const withErrors = summary.cells.filter((c) => Object.keys(c.errors ?? {}).length > 0);
  if (withErrors.length === 0) return section('errors', 'Errors', '<p>No errors.</p>');
  const parts = withErrors.map((cell) => {
    const rows = Object.entries(cell.errors)
      .map(([code, e]) => ({ code, count: e.count, message: e.message }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
    return renderTable(
      rows,
      [
        { header: 'Code', html: (r) => escapeHtml(r.code) },
        { header: 'Count', html: (r) => count(r.count), numeric: true },
        { header: 'Sample message', html: (r) => `<span class="text">${escapeHtml(r.message)}</span>` },
      ],
      { caption: cell.label, simulated: summary.run.simulated },
    );
  });
  return section('errors', 'Errors', parts.join('\n'));
}

function renderOutcome(record: RequestRecord): string {
  const code =
    record.outcome === 'ok'
      ? undefined
      : (record.errorCode ?? (isFiniteNumber(record.httpStatus) ? `HTTP ${record.httpStatus}` : undefined));
  const badge = `<span class="outcome outcome-${escapeHtml(record.outcome)}">${escapeHtml(record.outcome)}</span>`;
  return code !== undefined ? `${badge} ${escapeHtml(code)}` : badge;
}

function renderOutputPreview(record: RequestRecord): string {
  if (record.outcome !== 'ok' && record.errorMsg !== undefined && record.errorMsg !== '') {
    return `<span class="text error-msg">${escapeHtml(truncateText(record.errorMsg, HTML_OUTPUT_PREVIEW_CHARS))}</span>`;
  }
  return `<span class="text">${escapeHtml(truncateText(record.output ?? '', HTML_OUTPUT_PREVIEW_CHARS))}</span>`;
}

function renderRequests(summary: RunSummary, requests: readonly RequestRecord[] | undefined): string {
  if (requests === undefined) return '';
  const labels = new Map(summary.cells.map((c) => [c.id, c.label]));
  const shown = requests.slice(0, HTML_REQUEST_ROW_LIMIT);
  const columns: Column<RequestRecord>[] = [
    { header: '#', html: (r) => count(r.seq), numeric: true },
    { header: 'Row', html: (r) => escapeHtml(r.rowId) },
    { header: 'Cell', html: (r) => escapeHtml(labels.get(r.cellId) ?? r.cellId) },
    { header: 'Outcome', html: renderOutcome },
    { header: 'Latency ms', html: (r) => ms(r.latencyMs), numeric: true },
    { header: 'TTFT ms', html: (r) => ms(r.ttftMs), numeric: true },
    { header: 'Prompt tok', html: (r) => count(r.promptTokens), numeric: true },
    { header: 'Output tok', html: (r) => count(r.completionTokens), numeric: true },
    { header: 'Output', html: renderOutputPreview },
  ];
  const note =
    requests.length > shown.length
      ? `<p class="note">Showing the first ${shown.length} of ${requests.length} requests; requests.csv has them all.</p>`
      : `<p class="note">${requests.length} requests. Answers are cut to ${HTML_OUTPUT_PREVIEW_CHARS} characters; requests.csv has them in full.</p>`;
  return section(
    'requests',
    'Requests',
    note + renderTable(shown, columns, { caption: 'Per request', simulated: summary.run.simulated, className: 'requests' }),
  );
}

function renderEmbeddedSummary(summary: RunSummary): string {
  return `<script type="application/json" id="qfbench-summary">${jsonForScript(summary)}</script>`;
}

// ---------------------------------------------------------------------------------------------
// Page

const CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #5b636e; --line: #d8dde3; --head: #f3f5f7; --sim: #b42318; --sim-bg: #fde8e6; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #14171a; --muted: #9aa3ad; --line: #333a41; --head: #1d2227; --sim: #ff8b7e; --sim-bg: #3a1512; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 16px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5em; margin: 0 0 8px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sim-banner { margin: 12px 0; padding: 14px 16px; border: 3px solid var(--sim); background: var(--sim-bg); color: var(--sim); font-size: 1.25em; font-weight: 600; border-radius: 6px; }
.sim-banner strong { font-size: 1.3em; letter-spacing: 0.08em; }
.sim-tag { display: inline-block; margin-left: 6px; padding: 0 6px; border: 1px solid var(--sim); border-radius: 4px; color: var(--sim); font-size: 0.8em; font-weight: 600; text-transform: uppercase; }
.sim-text { color: var(--sim); }
.notice { margin: 12px 0; padding: 10px 14px; border: 2px solid var(--muted); border-radius: 6px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; min-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
th.group { text-align: center; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
table.requests td:last-child { min-width: 240px; max-width: 560px; }
.outcome { font-weight: 600; }
.outcome-ok { color: #1a7f37; }
.outcome-failed, .outcome-timeout { color: #cf222e; }
.outcome-throttled { color: #9a6700; }
.error-msg { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 0.9em; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
`;

/** Blocks every fetch (scripts, fonts, images, frames); only the inline stylesheet applies. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function renderHeader(summary: RunSummary): string {
  const models = (summary.run.models ?? []).join(', ');
  return `<header><h1>qfbench report${summary.run.simulated ? ' <span class="sim-tag">SIMULATED</span>' : ''}</h1>
<p class="note">${escapeHtml(models)} · ${escapeHtml(summary.run.startedAt)} · ${summary.cells.length} cell(s)</p></header>`;
}

function renderFooter(summary: RunSummary): string {
  return `<footer>Generated by ${escapeHtml(summary.tool?.name ?? 'qfbench')} ${escapeHtml(summary.tool?.version ?? '')}; summary schema version ${escapeHtml(summary.schemaVersion)}.</footer>`;
}

/** The whole report page as one self-contained HTML string. */
export function renderHtmlReport(summary: RunSummary, options: HtmlReportOptions = {}): string {
  const title = `${summary.run.simulated ? '[SIMULATED] ' : ''}qfbench report — ${summary.run.startedAt}`;
  const sections = [
    renderHeader(summary),
    renderSimulatedBanner(summary),
    renderInterruptedNotice(summary),
    renderRunMetadata(summary),
    renderComparison(summary),
    renderErrors(summary),
    renderRequests(summary, options.requests),
    renderFooter(summary),
    renderEmbeddedSummary(summary),
  ];
  return renderPage(title, sections.filter((s) => s !== '').join('\n'));
}
