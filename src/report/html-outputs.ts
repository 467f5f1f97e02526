/**
 * "Outputs" of report.html, promptfoo's side-by-side view: one table row per dataset row, one
 * column per cell with its answer, pass/fail and the failed assertion's reason; under
 * `--baseline`, the baseline's answer of the same row, cell and repeat beside it with a diff.
 *
 * The failures-only filter is a checkbox and one CSS rule (`:checked ~`), no script: it works
 * wherever CSS does, and without CSS every row shows. Every text is escaped; answers are cut to a
 * preview with the rest inside a `<details>`.
 */
import { matchCells } from '../compare/index.js';
import type { RequestRecord, RunSummary } from '../metrics/types.js';
import { answerDiff, type AnswerDiff } from './answer-diff.js';
import { countText, escapeHtml, section, simTag, truncateText } from './html-kit.js';
import { datasetRowOrder, RowMatrixBuilder, rowMatrix, type MatrixEntry, type MatrixRow } from './row-matrix.js';

/** Dataset rows and cells the section shows at most (the table stays a size a browser handles). */
export const OUTPUTS_ROW_LIMIT = 200;
export const OUTPUTS_CELL_LIMIT = 12;
/** Characters of an answer shown before "more". */
export const OUTPUTS_PREVIEW_CHARS = 280;
/** Characters of an answer kept at all (requests.csv has every one in full). */
const OUTPUTS_FULL_CHARS = 2000;

/** The baseline's side: its summary (to match cells) and some of its requests, as read from its folder. */
export interface BaselineAnswers {
  dir: string;
  summary: RunSummary;
  records: readonly RequestRecord[];
}

export interface OutputsInput {
  records: readonly RequestRecord[];
  /** Requests the run has in all (more than `records` when only the first were kept). */
  requestsTotal: number;
  baseline?: BaselineAnswers;
  /** The datasets' row ids in file order: rows follow it (without it, the order the requests were sent). */
  rowIds?: readonly string[];
}

/** Characters of each answer a run keeps for its report (the rest stays in requests.csv): an answer this long was cut. */
export const REPORT_ANSWER_CHARS = 4096;

export const OUTPUTS_CSS = `
#outputs-failures-only:checked ~ .table-wrap tr.outputs-clean { display: none; }
.outputs-filter { display: inline-flex; gap: 6px; align-items: center; margin: 4px 0; }
table.outputs td { min-width: 220px; max-width: 420px; }
table.outputs td:first-child { min-width: 9em; max-width: 16em; }
table.outputs td:first-child .text { word-break: normal; overflow-wrap: anywhere; }
table.outputs .reason { display: block; color: var(--bad); }
table.outputs .answer { margin-top: 2px; }
table.outputs .baseline { margin-top: 6px; padding-top: 4px; border-top: 1px dashed var(--line); }
table.outputs ins { background: #d7f5dd; color: #0f3d1c; text-decoration: none; }
table.outputs del { background: #fbe0e0; color: #5c1010; }
table.outputs details summary { cursor: pointer; color: var(--muted); }
.check-error { color: var(--bad); }
.check-none, .check-missing { color: var(--muted); font-weight: 400; }
`;

/** Baseline answer of (this run's cell id, row id, repeat), with the first ok one of the row as fallback. */
class BaselineLookup {
  private readonly byRepeat = new Map<string, string>();
  private readonly byRow = new Map<string, { seq: number; output: string }>();

  constructor(baseline: BaselineAnswers, summary: RunSummary) {
    const { pairs } = matchCells(baseline.summary, summary);
    const cellOf = new Map(pairs.map((pair) => [pair.base.id, pair.candidate.id]));
    for (const record of baseline.records) {
      const cellId = cellOf.get(record.cellId);
      if (cellId === undefined || record.outcome !== 'ok') continue;
      const key = `${cellId}\u0000${record.rowId}`;
      if (!this.byRepeat.has(`${key}\u0000${record.repeat}`)) this.byRepeat.set(`${key}\u0000${record.repeat}`, record.output);
      const first = this.byRow.get(key);
      if (first === undefined || record.seq < first.seq) this.byRow.set(key, { seq: record.seq, output: record.output });
    }
  }

  answer(cellId: string, rowId: string, repeat: number | undefined): string | undefined {
    const key = `${cellId}\u0000${rowId}`;
    return (repeat !== undefined ? this.byRepeat.get(`${key}\u0000${repeat}`) : undefined) ?? this.byRow.get(key)?.output;
  }
}

const STATUS_TEXT: Record<MatrixEntry['status'], string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'no answer',
  skip: 'skipped',
  none: 'no check',
  missing: 'not in this report',
};

function isFailing(entry: MatrixEntry): boolean {
  return entry.status === 'fail' || entry.status === 'error';
}

/** An answer: a preview, and the rest of it (still bounded) behind "more". */
export function answerHtml(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= OUTPUTS_PREVIEW_CHARS) return `<span class="text">${escapeHtml(text)}</span>`;
  const kept = truncateText(text, OUTPUTS_FULL_CHARS);
  // An answer as long as the run keeps was cut there: its length is at least that.
  const length = `${countText(chars.length)}${text.length >= REPORT_ANSWER_CHARS ? '+' : ''}`;
  return (
    `<span class="text">${escapeHtml(chars.slice(0, OUTPUTS_PREVIEW_CHARS).join(''))}…</span>` +
    `<details><summary>more (${length} characters)</summary><span class="text">${escapeHtml(kept)}</span></details>`
  );
}

/** The diff as `<del>`/`<ins>` runs, every piece escaped. */
export function diffHtml(diff: AnswerDiff): string {
  return diff.parts
    .map((part) => {
      const text = escapeHtml(part.text);
      return part.kind === 'added' ? `<ins>${text}</ins>` : part.kind === 'removed' ? `<del>${text}</del>` : text;
    })
    .join('');
}

function baselineHtml(candidate: string | undefined, base: string | undefined): string {
  if (base === undefined) return '<div class="baseline note">baseline: no ok answer for this row</div>';
  if (candidate === undefined) return `<div class="baseline"><span class="note">baseline answer:</span> ${answerHtml(base)}</div>`;
  const diff = answerDiff(base, candidate);
  if (diff.same) return '<div class="baseline note">same answer as the baseline</div>';
  if (diff.differsAfter !== undefined) {
    return `<div class="baseline note">same as the baseline in the first ${countText(diff.differsAfter)} characters; they differ after them</div>`;
  }
  return (
    `<div class="baseline"><span class="note">baseline answer:</span> ${answerHtml(base)}` +
    `<details open><summary>${diff.granularity} diff, baseline → this run</summary><span class="text diff">${diffHtml(diff)}</span></details></div>`
  );
}

function entryHtml(entry: MatrixEntry, row: MatrixRow, baseline: BaselineLookup | undefined): string {
  // Over several repeats, how many passed (a row without assertions has nothing to count).
  const counts =
    entry.requests > 1 && entry.status !== 'none' ? ` <span class="note">(${countText(entry.passed)} of ${countText(entry.requests)} passed)</span>` : '';
  const badge = `<span class="check check-${escapeHtml(entry.status)}">${escapeHtml(STATUS_TEXT[entry.status])}</span>${counts}`;
  const reason = entry.reason !== undefined && entry.reason !== '' ? `<span class="reason text">${escapeHtml(truncateText(entry.reason, 300))}</span>` : '';
  const answer = entry.output !== undefined ? answerHtml(entry.output) : '';
  const base =
    baseline !== undefined && entry.status !== 'missing' ? baselineHtml(entry.output, baseline.answer(entry.cellId, row.rowId, entry.outputRepeat)) : '';
  return `${badge}${reason}${answer !== '' ? `<div class="answer">${answer}</div>` : ''}${base}`;
}

function matrixInDatasetOrder(input: OutputsInput, cellIds: readonly string[]): MatrixRow[] {
  if (input.rowIds === undefined) return rowMatrix(input.records, cellIds);
  const builder = new RowMatrixBuilder({ rowOrder: datasetRowOrder(input.rowIds) });
  for (const record of input.records) builder.add(record);
  return builder.rows(cellIds);
}

/** The section, or '' when there are no requests to show. */
export function renderOutputsSection(summary: RunSummary, input: OutputsInput): string {
  if (input.records.length === 0) return '';
  const allCells = summary.cells;
  const cells = allCells.slice(0, OUTPUTS_CELL_LIMIT);
  const matrix = matrixInDatasetOrder(
    input,
    cells.map((cell) => cell.id),
  );
  const rows = matrix.slice(0, OUTPUTS_ROW_LIMIT);
  const baseline = input.baseline !== undefined ? new BaselineLookup(input.baseline, summary) : undefined;
  const failing = rows.filter((row) => row.entries.some(isFailing)).length;

  const head = `<tr><th>Row</th>${cells.map((cell) => `<th>${escapeHtml(cell.label)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row) => {
      const cls = row.entries.some(isFailing) ? 'outputs-failing' : 'outputs-clean';
      const tds = row.entries.map((entry) => `<td>${entryHtml(entry, row, baseline)}</td>`).join('');
      return `<tr class="${cls}"><td><strong class="text">${escapeHtml(row.rowId)}</strong></td>${tds}</tr>`;
    })
    .join('\n');
  const caption = `<caption>Answers per dataset row and cell${simTag(summary.run.simulated)}</caption>`;
  const table = `<div class="table-wrap"><table class="outputs" id="outputs-table">${caption}<thead>${head}</thead><tbody>
${body}
</tbody></table></div>`;

  const notes: string[] = [];
  if (input.requestsTotal > input.records.length) {
    notes.push(`Built from the first ${countText(input.records.length)} of ${countText(input.requestsTotal)} requests; requests.csv has them all.`);
  }
  const cut = [
    matrix.length > rows.length ? `${countText(rows.length)} of ${countText(matrix.length)} rows` : '',
    allCells.length > cells.length ? `${countText(cells.length)} of ${countText(allCells.length)} cells` : '',
  ].filter((part) => part !== '');
  if (cut.length > 0) notes.push(`Showing ${cut.join(' and ')}; requests.csv has the rest.`);
  notes.push(
    'Each cell: the worst result over its repeats, the first failed assertion’s reason and the first ok answer' +
      (baseline !== undefined
        ? `; below it the baseline’s answer (${escapeHtml(input.baseline?.dir)}) of the same row and repeat, ` +
          'with a word diff (a character diff for Chinese, Japanese or Korean text).'
        : '.'),
  );
  const filter =
    `<input type="checkbox" id="outputs-failures-only">` +
    `<label class="outputs-filter" for="outputs-failures-only">` +
    `Only rows with a failure or no answer (${countText(failing)} of ${countText(rows.length)})</label>`;
  return section('outputs', 'Outputs', `<p class="note">${notes.join(' ')}</p>\n${filter}\n${table}`);
}
