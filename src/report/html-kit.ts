/**
 * Building blocks shared by every self-contained HTML page qfbench writes (report.html,
 * compare.html): escaping, tables, sections and the page shell with its stylesheet and
 * Content-Security-Policy. Nothing here knows what a run is.
 *
 * Every page is one file that opens offline: no URL to anything outside it, CSS inline, charts
 * as inline SVG. The CSP forbids every fetch; the only scripts a page may carry are its own inline
 * scripts, each allowed by its sha256 hash (and `<script type="application/json">` data blocks,
 * which never execute).
 */
import { createHash } from 'node:crypto';
import { fixed, isFiniteNumber } from './format.js';

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
// Number formatting for pages

export const DASH = '–';

export function msText(value: number | null | undefined): string {
  return fixed(value, 1, DASH);
}

export function countText(value: number | null | undefined): string {
  return isFiniteNumber(value) ? String(value) : DASH;
}

export function percentText(rate: number | null | undefined, digits = 1): string {
  return isFiniteNumber(rate) ? `${(rate * 100).toFixed(digits)}%` : DASH;
}

export function simTag(simulated: boolean): string {
  return simulated ? ' <span class="sim-tag">simulated</span>' : '';
}

// ---------------------------------------------------------------------------------------------
// Tables and sections

export interface Column<T> {
  /** Header text (escaped). */
  header: string;
  /** Cell HTML, already escaped. */
  html: (row: T) => string;
  numeric?: boolean;
  /** Classes of the column's header and cells (already safe: ours, not data). */
  className?: string;
  /** Longer header text, shown as a tooltip and read by screen readers. */
  title?: string;
  /** The value a table sort orders by (`data-sort`); a row without one sorts last. */
  sortValue?: (row: T) => number | string | null | undefined;
}

export interface HeaderGroup {
  label: string;
  span: number;
  /** Classes of the group's header cell (ours, not data). */
  className?: string;
}

export interface TableOptions<T> {
  caption?: string;
  simulated?: boolean;
  groups?: readonly HeaderGroup[];
  className?: string;
  /** The table element's id. */
  id?: string;
  /** Extra attributes for each `<tr>` (already escaped, starting with a space). */
  rowAttributes?: (row: T) => string;
}

function groupClass(group: HeaderGroup): string {
  const classes = [...(group.label === '' ? [] : ['group']), ...(group.className !== undefined ? [group.className] : [])];
  return classes.length > 0 ? ` class="${escapeHtml(classes.join(' '))}"` : '';
}

function columnClass<T>(column: Column<T>): string {
  const classes = [...(column.numeric === true ? ['num'] : []), ...(column.className !== undefined ? [column.className] : [])];
  return classes.length > 0 ? ` class="${escapeHtml(classes.join(' '))}"` : '';
}

function sortAttribute<T>(column: Column<T>, row: T): string {
  if (column.sortValue === undefined) return '';
  const value = column.sortValue(row);
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  return ` data-sort="${escapeHtml(value)}"`;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: TableOptions<T> = {}): string {
  const caption = options.caption !== undefined ? `<caption>${escapeHtml(options.caption)}${simTag(options.simulated === true)}</caption>` : '';
  const groupRow =
    options.groups !== undefined ? `<tr>${options.groups.map((g) => `<th colspan="${g.span}"${groupClass(g)}>${escapeHtml(g.label)}</th>`).join('')}</tr>` : '';
  const title = (c: Column<T>): string => (c.title !== undefined ? ` title="${escapeHtml(c.title)}"` : '');
  const headRow = `<tr>${columns.map((c) => `<th${columnClass(c)}${title(c)}>${escapeHtml(c.header)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr${options.rowAttributes?.(row) ?? ''}>${columns.map((c) => `<td${columnClass(c)}${sortAttribute(c, row)}>${c.html(row)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const cls =
    (options.id !== undefined ? ` id="${escapeHtml(options.id)}"` : '') + (options.className !== undefined ? ` class="${escapeHtml(options.className)}"` : '');
  return `<div class="table-wrap"><table${cls}>${caption}<thead>${groupRow}${headRow}</thead><tbody>
${body}
</tbody></table></div>`;
}

export function section(id: string, title: string, content: string): string {
  return `<section id="${escapeHtml(id)}">
<h2>${escapeHtml(title)}</h2>
${content}
</section>`;
}

/** A definition list of label / HTML value pairs (values already escaped). */
export function definitionList(items: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="meta">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}</dl>`;
}

/** A rendered chart: inline SVG markup (already safe to embed) and its title. */
export interface RenderedChart {
  id: string;
  title: string;
  svg: string;
  /** Escaped HTML shown under the chart. */
  noteHtml?: string;
}

export function renderChartFigure(chart: RenderedChart): string {
  const note = chart.noteHtml !== undefined && chart.noteHtml !== '' ? `<p class="note">${chart.noteHtml}</p>` : '';
  return `<figure class="chart" id="chart-${escapeHtml(chart.id)}"><figcaption>${escapeHtml(chart.title)}</figcaption>
${chart.svg}
${note}</figure>`;
}

// ---------------------------------------------------------------------------------------------
// Page shell

export const BASE_CSS =
  `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #5b636e; --line: #d8dde3; --head: #f3f5f7; --sim: #b42318; --sim-bg: #fde8e6; ` +
  `--bad: #cf222e; --good: #1a7f37; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #14171a; --muted: #9aa3ad; --line: #333a41; --head: #1d2227; --sim: #ff8b7e; --sim-bg: ` +
  `#3a1512; --bad: #ff7b72; --good: #56d364; --warn: #e3b341; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 16px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", ` +
  `sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5em; margin: 0; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 16px; }
header p { margin: 0; }
header nav { flex-basis: 100%; }
h2 { font-size: 1.2em; margin: 20px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.95em; }
nav.toc a { color: inherit; }
.sim-banner { margin: 10px 0; padding: 8px 14px; border: 3px solid var(--sim); background: var(--sim-bg); color: var(--sim); font-size: 1.15em; ` +
  `font-weight: 600; border-radius: 6px; }
.sim-banner strong { font-size: 1.3em; letter-spacing: 0.08em; }
.sim-tag { display: inline-block; margin-left: 6px; padding: 0 6px; border: 1px solid var(--sim); border-radius: 4px; color: var(--sim); font-size: ` +
  `0.8em; font-weight: 600; text-transform: uppercase; }
.sim-text { color: var(--sim); }
.notice { margin: 12px 0; padding: 10px 14px; border: 2px solid var(--muted); border-radius: 6px; }
.notice.provenance p { margin: 2px 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { position: relative; overflow-x: auto; margin: 8px 0 16px; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; min-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
th.group { text-align: center; }
table.cells tbody td:first-child, table.cells thead tr:last-child th:first-child { position: sticky; left: 0; z-index: 1; background: var(--bg); }
table.cells thead tr:last-child th:first-child { background: var(--head); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.outcome { font-weight: 600; }
.outcome-ok { color: var(--good); }
.outcome-failed, .outcome-timeout { color: var(--bad); }
.outcome-throttled { color: var(--warn); }
.error-msg { color: var(--muted); font-style: italic; }
.unknown { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 0.9em; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 16px; }
figure.chart { margin: 0; padding: 10px; background: #ffffff; color: #1b1f24; border: 1px solid var(--line); border-radius: 6px; min-width: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.chart .note { color: #5b636e; }
.verdict { font-weight: 600; white-space: nowrap; }
.verdict-regression { color: var(--bad); }
.verdict-improvement { color: var(--good); }
.verdict-changed { color: var(--warn); }
.verdict-none, .verdict-insufficient, .verdict-untested { color: var(--muted); font-weight: 400; }
details.run-meta > summary { cursor: pointer; border-bottom: 1px solid var(--line); margin: 20px 0 6px; padding-bottom: 4px; }
details.run-meta > summary h2 { display: inline; border: 0; margin: 0; padding: 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
@media (max-width: 600px) {
  body { padding: 10px; font-size: 13px; }
  .sim-banner { font-size: 1.05em; padding: 10px 12px; }
  .meta { grid-template-columns: 1fr; gap: 0; }
  .meta dd { margin-bottom: 6px; }
  th, td { padding: 2px 4px; }
  figure.chart { padding: 6px; overflow-x: auto; }
  figure.chart svg { max-width: none; width: max(100%, 440px); }
}
@media print { .filters { display: none; } }
`;

/** sha256 source expression of an inline script, as a CSP `script-src` allows it. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/**
 * Blocks every fetch (scripts, fonts, images, frames, connections); only inline styles apply,
 * plus the page's own inline script when it has one, allowed by its hash.
 */
export function contentSecurityPolicy(inlineScript?: string | readonly string[]): string {
  const list = inlineScript === undefined ? [] : typeof inlineScript === 'string' ? [inlineScript] : inlineScript;
  const scripts = list.length > 0 ? `; script-src ${list.map(scriptHash).join(' ')}` : '';
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'${scripts}`;
}

export interface PageOptions {
  /** Extra CSS appended to the base stylesheet (trusted, ours). */
  css?: string;
  /** One inline script (trusted, ours), placed at the end of the body and allowed by hash. */
  script?: string;
  /** More inline scripts (trusted, ours), each its own element after `script`, each allowed by its hash. */
  scripts?: readonly string[];
}

export function renderPage(title: string, body: string, options: PageOptions = {}): string {
  const inline = [...(options.script !== undefined ? [options.script] : []), ...(options.scripts ?? [])];
  const script = inline.map((source) => `\n<script>${source}</script>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(inline)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${BASE_CSS}${options.css ?? ''}</style>
</head>
<body>
${body}${script}
</body>
</html>
`;
}
