/**
 * The cell table of report.html ("Comparison"): one row per cell, its columns in four sets
 * (Overview, Latency, Tokens, Outcomes) so that each set fits a 1,280 px screen. The set is picked
 * with radio buttons and CSS `:checked` alone (no script); the best value of each figure column is
 * bold with a ★ (and the word "best" for screen readers), Pareto-optimal cells carry a badge, and
 * CELL_SORT_SCRIPT (allowed by its CSP hash) sorts by any column on a header click. Without the
 * script the table reads the same, unsorted.
 */
import type { ParetoResult } from '../compare/pareto.js';
import type { CellSummary, RunSummary } from '../metrics/types.js';
import { isFiniteNumber } from './format.js';
import { columnGroups, COLUMN_SETS, totalCostHtml, type Best, type CellColumn, type ColumnSet } from './html-cell-columns.js';
import { escapeHtml, renderTable, section, type Column, type HeaderGroup } from './html-kit.js';

export { COLUMN_SETS } from './html-cell-columns.js';

// ---------------------------------------------------------------------------------------------
// Best values

/** The best value of a column, when at least two cells have one and they are not all equal. */
function bestValue(cells: readonly CellSummary[], best: Best): number | undefined {
  const values = cells.map(best.value).filter(isFiniteNumber);
  if (values.length < 2) return undefined;
  const top = best.better === 'lower' ? Math.min(...values) : Math.max(...values);
  return values.every((value) => value === top) ? undefined : top;
}

const BEST_MARK = '<span class="best-mark" title="best of the column"><span aria-hidden="true">★</span><span class="vh"> (best)</span></span>';

function withBestMark(column: CellColumn, cells: readonly CellSummary[]): CellColumn['html'] {
  const best = column.best;
  if (best === undefined) return column.html;
  const top = bestValue(cells, best);
  if (top === undefined) return column.html;
  return (cell) => (best.value(cell) === top ? `<strong>${column.html(cell)}</strong>${BEST_MARK}` : column.html(cell));
}

// ---------------------------------------------------------------------------------------------
// The section

function cellNameHtml(cell: CellSummary, pareto: ParetoResult): string {
  const badge = pareto.optimal.includes(cell.id) && pareto.dimensions.length > 0 ? ' <span class="pareto" title="Pareto-optimal">◆ Pareto</span>' : '';
  return `<span class="cell-name">${escapeHtml(cell.label)}</span>${badge}`;
}

function setClass(set: ColumnSet | 'all'): string {
  return set === 'all' ? 'set-all' : `set-${set}`;
}

/** Radio buttons first, then their labels: `#cols-x:checked ~ …` needs them as siblings of the table. */
function renderSetPicker(present: ReadonlySet<ColumnSet>): string {
  // A set with no column in this run (checks of a run without assertions or --slo) gets no button.
  const sets = COLUMN_SETS.filter(([id]) => present.has(id));
  const radios = sets
    .map(
      ([id, label], i) =>
        `<input type="radio" class="colset" name="cell-columns" id="cols-${id}" value="${id}" ` +
        `aria-label="${escapeHtml(label)} columns"${i === 0 ? ' checked' : ''}>`,
    )
    .join('');
  const labels = sets.map(([id, label]) => `<label for="cols-${id}">${escapeHtml(label)}</label>`).join('');
  return `${radios}<div class="colsets" aria-hidden="true"><span class="note">Columns:</span>${labels}</div>`;
}

export const CELL_TABLE_CSS =
  `
input.colset { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.colsets { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0 0; }
.colsets label { padding: 2px 12px; border: 1px solid var(--line); border-radius: 14px; cursor: pointer; user-select: none; }
${COLUMN_SETS.map(([id]) => `#cols-${id}:checked ~ .colsets label[for="cols-${id}"]`).join(', ')} {
  background: var(--fg); color: var(--bg); border-color: var(--fg); }
${COLUMN_SETS.map(([id]) => `#cols-${id}:focus-visible ~ .colsets label[for="cols-${id}"]`).join(', ')} { outline: 2px solid var(--good); outline-offset: 2px; }
${COLUMN_SETS.map(([id]) => `#cols-${id}:checked ~ .table-wrap table.cells :is(th, td):not(.set-all, .set-${id})`).join(',\n')} { display: none; }
table.cells th.sortable { cursor: pointer; }
table.cells th button.sort { all: unset; cursor: pointer; }
table.cells th button.sort:focus-visible { outline: 2px solid var(--good); }
table.cells th[aria-sort="ascending"]::after { content: " ▲"; font-size: 0.75em; }
table.cells th[aria-sort="descending"]::after { content: " ▼"; font-size: 0.75em; }
table.cells td.set-all { white-space: nowrap; }
.best-mark { color: var(--warn); margin-left: 2px; }
.pareto { display: inline-block; margin-left: 4px; padding: 0 5px; border: 1px solid var(--good); border-radius: 4px; color: var(--good); font-size: 0.8em; ` +
  `font-weight: 600; white-space: nowrap; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * Sorts table.cells by the clicked header's column (numbers by value, text by locale; rows without
 * a value last), toggling ascending / descending. It only reorders existing rows.
 */
export const CELL_SORT_SCRIPT = `(function () {
  var table = document.querySelector('table.cells');
  if (!table || !table.tHead) return;
  var head = table.tHead.rows[table.tHead.rows.length - 1];
  var body = table.tBodies[0];
  Array.prototype.forEach.call(head.cells, function (th, index) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    th.classList.add('sortable');
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[index];
        var value = cell ? cell.getAttribute('data-sort') : null;
        if (value === null) return null;
        var number = Number(value);
        return value !== '' && !isNaN(number) ? number : value;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();`;

export function renderCellsSection(summary: RunSummary, pareto: ParetoResult): string {
  const cells = summary.cells;
  const groups = columnGroups(summary);
  const nameColumn: Column<CellSummary> = {
    header: 'Cell',
    title: 'Model and parameters',
    html: (c) => cellNameHtml(c, pareto),
    className: setClass('all'),
    sortValue: (c) => c.label,
  };
  const columns: Column<CellSummary>[] = [
    nameColumn,
    ...groups.flatMap((group) =>
      group.columns.map((column): Column<CellSummary> => ({
        header: column.header,
        ...(column.title !== undefined ? { title: column.title } : {}),
        html: withBestMark(column, cells),
        numeric: column.numeric ?? false,
        className: setClass(group.set),
        sortValue: column.sortValue,
      })),
    ),
  ];
  const headerGroups: HeaderGroup[] = [
    { label: '', span: 1, className: setClass('all') },
    ...groups.map((group) => ({ label: group.label, span: group.columns.length, className: setClass(group.set) })),
  ];
  const withCost = cells.some((cell) => cell.cost !== undefined);
  const costNote = withCost ? ' A cost that could not be priced shows as unknown, never as 0.' : '';
  const paretoNote =
    pareto.dimensions.length > 0 && pareto.optimal.length > 0
      ? ` <span class="pareto">◆ Pareto</span> = no other cell is better on ` +
        `${escapeHtml(pareto.dimensions.map((d) => d.label).join(', '))} without being worse on another.`
      : '';
  const legend =
    `<p class="note legend"><strong>★</strong> = the best value of its column (bold).${paretoNote} Click a header to sort. ` +
    `Error rate = (failed + timeout) ÷ (ok + failed + throttled + timeout); throttled requests are counted apart. ` +
    `Latency, TTFT and TPOT take ok requests only and follow qfbench metrics definition ${escapeHtml(summary.run.metricsDefinitionVersion)}.` +
    `${costNote}</p>`;
  const table = renderTable(cells, columns, {
    caption: 'Cells (model × parameters)',
    simulated: summary.run.simulated,
    groups: headerGroups,
    className: 'cells',
  });
  return section(
    'cells',
    'Comparison',
    `<div class="cells-block">${renderSetPicker(new Set(groups.map((group) => group.set)))}${table}</div>${legend}${totalCostHtml(summary)}`,
  );
}
