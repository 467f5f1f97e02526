/**
 * The per-request table of report.html, with answers (cut to a preview) and filters by cell,
 * outcome and text. The filter is one small inline script (allowed by its CSP hash); it only
 * toggles `hidden` on rows and never writes markup, so untrusted text stays text. Without
 * scripts the controls stay hidden and the whole table shows.
 */
import type { RequestRecord, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { isFiniteNumber } from './format.js';
import { countText, escapeHtml, msText, renderTable, section, truncateText, type Column } from './html-kit.js';

/** Characters of a model answer shown per request row. */
export const HTML_OUTPUT_PREVIEW_CHARS = 300;

export const REQUEST_FILTER_SCRIPT = `(function () {
  var table = document.getElementById('requests-table');
  var box = document.getElementById('request-filters');
  if (!table || !box) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var cell = document.getElementById('filter-cell');
  var outcome = document.getElementById('filter-outcome');
  var text = document.getElementById('filter-text');
  var shown = document.getElementById('filter-count');
  function apply() {
    var c = cell.value, o = outcome.value, q = text.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var match = (!c || row.getAttribute('data-cell') === c) &&
        (!o || row.getAttribute('data-outcome') === o) &&
        (!q || row.textContent.toLowerCase().indexOf(q) !== -1);
      row.hidden = !match;
      if (match) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' rows shown';
  }
  cell.addEventListener('change', apply);
  outcome.addEventListener('change', apply);
  text.addEventListener('input', apply);
  box.hidden = false;
  apply();
})();`;

function renderOutcome(record: RequestRecord): string {
  const code = record.outcome === 'ok' ? undefined : (record.errorCode ?? (isFiniteNumber(record.httpStatus) ? `HTTP ${record.httpStatus}` : undefined));
  const badge = `<span class="outcome outcome-${escapeHtml(record.outcome)}">${escapeHtml(record.outcome)}</span>`;
  const replayed = record.replayed === true ? ' <span class="replayed">replayed</span>' : '';
  return `${code !== undefined ? `${badge} ${escapeHtml(code)}` : badge}${replayed}`;
}

/** The row's assertions on this answer: a pass/fail badge and the reason. */
function renderCheck(record: RequestRecord): string {
  const result = record.assertResult;
  if (result === undefined || result === 'none') return '';
  const badge = `<span class="check check-${escapeHtml(result)}">${escapeHtml(result)}</span>`;
  const reason = record.assertReason ?? '';
  return reason === '' ? badge : `${badge} <span class="text">${escapeHtml(truncateText(reason, HTML_OUTPUT_PREVIEW_CHARS))}</span>`;
}

function renderOutputPreview(record: RequestRecord): string {
  if (record.outcome !== 'ok' && record.errorMsg !== undefined && record.errorMsg !== '') {
    return `<span class="text error-msg">${escapeHtml(truncateText(record.errorMsg, HTML_OUTPUT_PREVIEW_CHARS))}</span>`;
  }
  return `<span class="text">${escapeHtml(truncateText(record.output, HTML_OUTPUT_PREVIEW_CHARS))}</span>`;
}

function renderFilters(summary: RunSummary, outcomesSeen: ReadonlySet<string>): string {
  const cells = summary.cells.map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.label)}</option>`).join('');
  const outcomes = OUTCOMES.filter((o) => outcomesSeen.has(o))
    .map((o) => `<option value="${o}">${o}</option>`)
    .join('');
  return `<div class="filters" id="request-filters" hidden>
<label>Cell <select id="filter-cell"><option value="">all</option>${cells}</select></label>
<label>Outcome <select id="filter-outcome"><option value="">all</option>${outcomes}</select></label>
<label>Text <input id="filter-text" type="search" placeholder="row, code or answer text" autocomplete="off"></label>
<span class="note" id="filter-count" aria-live="polite"></span>
</div>`;
}

export const REQUEST_FILTER_CSS = `
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0; }
.filters[hidden] { display: none; }
.filters select, .filters input { font: inherit; max-width: 100%; }
.filters label { display: flex; gap: 6px; align-items: center; min-width: 0; }
.filters select { max-width: 60vw; }
table.requests td:last-child { min-width: 240px; max-width: 560px; }
.check { font-weight: 600; }
.check-pass { color: var(--good); }
.check-fail { color: var(--bad); }
.check-skip, .replayed { color: var(--warn); }
`;

/** The section; `shown` are the rows in the table, `total` how many the run has. */
export function renderRequestsSection(summary: RunSummary, shown: readonly RequestRecord[], total: number): string {
  const labels = new Map(summary.cells.map((c) => [c.id, c.label]));
  const columns: Column<RequestRecord>[] = [
    { header: '#', html: (r) => countText(r.seq), numeric: true },
    { header: 'Row', html: (r) => escapeHtml(r.rowId) },
    { header: 'Cell', html: (r) => escapeHtml(labels.get(r.cellId) ?? r.cellId) },
    { header: 'Outcome', html: renderOutcome },
    { header: 'Latency ms', html: (r) => msText(r.latencyMs), numeric: true },
    { header: 'TTFT ms', html: (r) => msText(r.ttftMs), numeric: true },
    { header: 'Prompt tok', html: (r) => countText(r.promptTokens), numeric: true },
    { header: 'Output tok', html: (r) => countText(r.completionTokens), numeric: true },
    ...(shown.some((r) => r.assertResult !== undefined) ? [{ header: 'Check', html: renderCheck }] : []),
    { header: 'Output', html: renderOutputPreview },
  ];
  const note =
    total > shown.length
      ? `<p class="note">Showing the first ${shown.length} of ${total} requests; requests.csv has them all.</p>`
      : `<p class="note">${total} requests. Answers are cut to ${HTML_OUTPUT_PREVIEW_CHARS} characters; requests.csv has them in full.</p>`;
  const table = renderTable(shown, columns, {
    caption: 'Per request',
    simulated: summary.run.simulated,
    className: 'requests',
    id: 'requests-table',
    rowAttributes: (r) => ` data-cell="${escapeHtml(r.cellId)}" data-outcome="${escapeHtml(r.outcome)}"`,
  });
  const outcomesSeen = new Set(shown.map((r) => String(r.outcome)));
  return section('requests', 'Requests', `${note}${renderFilters(summary, outcomesSeen)}${table}`);
}
