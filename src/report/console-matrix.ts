/**
 * The row x cell PASS/FAIL matrix in the console (promptfoo's view) for the first rows of the
 * datasets, with each failure's reason under it; report.html has every row.
 */
import type { CellSummary } from '../metrics/types.js';
import { redact } from '../util/redact.js';
import { terminalSafe } from '../util/terminal-text.js';
import type { ConsoleLinesOptions } from './console-checks.js';
import { painter, type Style } from './console-table.js';
import type { MatrixEntry, MatrixRow, MatrixStatus } from './row-matrix.js';
import { displayWidth, padEndToWidth, truncateToWidth } from './text-width.js';

export interface ConsoleMatrix {
  /** The rows shown (the first ones of the datasets). */
  rows: readonly MatrixRow[];
  /** Rows the run has in all. */
  rowCount: number;
}

/** Cell labels up to this width head their columns; longer ones are numbered, with a legend. */
const LABEL_HEADER_WIDTH = 32;
const ROW_ID_WIDTH = 24;
/** Reason lines listed under the matrix. */
const LISTED_REASONS = 25;
const GAP = '  ';

const STATUS_TEXT: Record<MatrixStatus, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP', none: '-', missing: '.' };
const STATUS_STYLE: Partial<Record<MatrixStatus, Style>> = { pass: 'green', fail: 'red', error: 'red', skip: 'yellow' };

const printable = (text: string): string => terminalSafe(text, { newlines: false });

/** `PASS`, or `FAIL 1/3` (passed of requests) when the row x cell had several requests. */
function entryText(entry: MatrixEntry): string {
  const text = STATUS_TEXT[entry.status];
  return entry.requests > 1 && entry.status !== 'none' ? `${text} ${entry.passed}/${entry.requests}` : text;
}

/** True when some row was checked: a run without assertions has no matrix to show. */
export function hasVerdicts(matrix: ConsoleMatrix): boolean {
  return matrix.rows.some((row) => row.entries.some((entry) => entry.status === 'pass' || entry.status === 'fail' || entry.status === 'skip'));
}

export function matrixLines(matrix: ConsoleMatrix, cells: readonly CellSummary[], options: ConsoleLinesOptions = {}): string[] {
  if (!hasVerdicts(matrix)) return [];
  const paint = painter(options.color === true);
  const width = options.width;
  const cut = (line: string): string => (width !== undefined ? truncateToWidth(line, width) : line);
  const labels = new Map(cells.map((cell) => [cell.id, printable(cell.label ?? cell.id)]));
  const cellIds = matrix.rows[0]?.entries.map((entry) => entry.cellId) ?? [];
  const rowIds = matrix.rows.map((row) => truncateToWidth(printable(row.rowId), ROW_ID_WIDTH));
  const rowWidth = Math.max(displayWidth('row'), ...rowIds.map(displayWidth));
  const entryWidth = (index: number): number => Math.max(...matrix.rows.map((row) => displayWidth(entryText(row.entries[index]!))));
  const fits = (headers: readonly string[]): number => {
    // How many cell columns fit the width, left to right.
    let used = rowWidth;
    let count = 0;
    for (const [index, header] of headers.entries()) {
      used += GAP.length + Math.max(displayWidth(header), entryWidth(index));
      if (width !== undefined && used > width) break;
      count++;
    }
    return count;
  };
  const full = cellIds.map((id) => labels.get(id) ?? id);
  const named = full.every((label) => displayWidth(label) <= LABEL_HEADER_WIDTH) && fits(full) === full.length;
  const headers = named ? full : cellIds.map((_, index) => `[${index + 1}]`);
  const shown = Math.max(1, fits(headers));
  const widths = headers.slice(0, shown).map((header, index) => Math.max(displayWidth(header), entryWidth(index)));

  const more = matrix.rowCount - matrix.rows.length;
  const shownRows = `${matrix.rows.length} row${matrix.rows.length === 1 ? '' : 's'}`;
  const lines = [cut(`row x cell: ${more > 0 ? `the first ${shownRows} of ${matrix.rowCount} (${more} more in report.html)` : shownRows}`)];
  lines.push(
    cut([padEndToWidth('row', rowWidth), ...headers.slice(0, shown).map((header, index) => padEndToWidth(header, widths[index]!))].join(GAP).trimEnd()),
  );
  for (const [rowIndex, row] of matrix.rows.entries()) {
    const parts = row.entries.slice(0, shown).map((entry, index) => paint(padEndToWidth(entryText(entry), widths[index]!), STATUS_STYLE[entry.status]));
    lines.push([padEndToWidth(rowIds[rowIndex]!, rowWidth), ...parts].join(GAP).trimEnd());
  }
  if (shown < cellIds.length) lines.push(cut(`(${cellIds.length - shown} more cell(s) not shown for the terminal's width; report.html has them)`));
  if (!named) for (const [index, label] of full.slice(0, shown).entries()) lines.push(cut(`[${index + 1}] ${label}`));
  lines.push(cut('legend: PASS, FAIL (passed/requests when repeated), ERROR no answer, SKIP not checked, - no assertion, . no request'));

  const reasons: string[] = [];
  for (const row of matrix.rows)
    for (const [index, entry] of row.entries.entries())
      if ((entry.status === 'fail' || entry.status === 'error') && entry.reason !== undefined)
        reasons.push(`  ${printable(row.rowId)} × ${headers[index]}: ${printable(redact(entry.reason))}`);
  if (reasons.length > 0) {
    lines.push('failures (the first reason of each):');
    lines.push(...reasons.slice(0, LISTED_REASONS).map((line) => paint(cut(line), 'red')));
    if (reasons.length > LISTED_REASONS) lines.push(cut(`  and ${reasons.length - LISTED_REASONS} more in report.html`));
  }
  return lines;
}
