/**
 * The row x cell verdict matrix (promptfoo's view): per dataset row, what each cell's answers
 * concluded over their repeats. Pure: the console prints the first rows of it, the report all of it.
 */
import type { RequestRecord } from '../metrics/types.js';

export type MatrixStatus = 'pass' | 'fail' | 'error' | 'skip' | 'none' | 'missing';

export interface MatrixEntry {
  cellId: string;
  requests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Worst over the repeats; `none` = the row has no assertion, `missing` = no record. */
  status: MatrixStatus;
  /** The first failed assertion's reason (or the error, or why it was skipped) of this row x cell. */
  reason?: string;
  /** The first ok answer's text of this row x cell, as given (the renderer truncates and escapes). */
  output?: string;
  /** The repeat `output` came from, so the outputs section can set the baseline's same repeat beside it. */
  outputRepeat?: number;
}

export interface MatrixRow {
  rowId: string;
  rowOrder: number;
  /** In the order of the cell ids given. */
  entries: MatrixEntry[];
}

export interface RowMatrixOptions {
  /** Keep only these rows (the console shows a few): memory then stays bounded whatever the run's size. */
  keepRow?: (rowId: string) => boolean;
  /** Keep the first ok answer's text (default true). */
  outputs?: boolean;
  /** The rows' order (their dataset position); rows it does not know follow, in first-seen seq order. */
  rowOrder?: (rowId: string) => number | undefined;
}

/** Worse statuses win over the repeats: a definite failed check first, then no answer, then not checked. */
const SEVERITY: Record<Exclude<MatrixStatus, 'missing'>, number> = { none: 0, pass: 1, skip: 2, error: 3, fail: 4 };

/** Sent and got no answer (cancelled and dropped were never sent: skipped). */
const NO_ANSWER = new Set<RequestRecord['outcome']>(['failed', 'throttled', 'timeout']);

interface EntryState {
  entry: MatrixEntry;
  /** The seq of the record behind `reason` and `output`, so the first one wins whatever the arrival order. */
  reasonSeq: number;
  reasonSeverity: number;
  outputSeq: number;
}

interface RowState {
  rowId: string;
  firstSeq: number;
  cells: Map<string, EntryState>;
}

/** What one record says about its row x cell. */
function statusOf(record: RequestRecord): { status: Exclude<MatrixStatus, 'missing'>; reason?: string } {
  if (NO_ANSWER.has(record.outcome)) return { status: 'error', reason: noAnswerText(record) };
  if (record.outcome !== 'ok')
    return { status: 'skip', reason: `not sent: ${record.errorMsg !== undefined && record.errorMsg !== '' ? record.errorMsg : record.outcome}` };
  const result = record.assertResult ?? 'none';
  if (result === 'pass' || result === 'none') return { status: result };
  return { status: result, reason: record.assertReason !== undefined && record.assertReason !== '' ? record.assertReason : result };
}

function noAnswerText(record: RequestRecord): string {
  const code = record.errorCode ?? (record.httpStatus !== undefined && record.httpStatus >= 400 ? `HTTP ${record.httpStatus}` : undefined);
  const message = record.errorMsg !== undefined && record.errorMsg !== '' ? `: ${record.errorMsg}` : '';
  return `no answer: ${record.outcome}${code !== undefined ? ` ${code}` : ''}${message}`;
}

/** Collects records one at a time (in any order), for a run that cannot hold them all. */
export class RowMatrixBuilder {
  private readonly rowsById = new Map<string, RowState>();
  private readonly seen = new Set<string>();

  constructor(private readonly options: RowMatrixOptions = {}) {}

  /** Distinct rows seen, kept or not. */
  get rowCount(): number {
    return this.seen.size;
  }

  add(record: RequestRecord): void {
    this.seen.add(record.rowId);
    if (this.options.keepRow !== undefined && !this.options.keepRow(record.rowId)) return;
    let row = this.rowsById.get(record.rowId);
    if (row === undefined) {
      row = { rowId: record.rowId, firstSeq: record.seq, cells: new Map() };
      this.rowsById.set(record.rowId, row);
    }
    row.firstSeq = Math.min(row.firstSeq, record.seq);
    let state = row.cells.get(record.cellId);
    if (state === undefined) {
      const entry: MatrixEntry = { cellId: record.cellId, requests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, status: 'none' };
      state = { entry, reasonSeq: Infinity, reasonSeverity: -1, outputSeq: Infinity };
      row.cells.set(record.cellId, state);
    }
    const { entry } = state;
    const { status, reason } = statusOf(record);
    entry.requests++;
    if (status === 'pass') entry.passed++;
    else if (status === 'fail') entry.failed++;
    else if (status === 'error') entry.errored++;
    else if (status === 'skip') entry.skipped++;
    const severity = SEVERITY[status];
    if (severity > SEVERITY[statusKey(entry.status)]) entry.status = status;
    // The reason shown is that of the worst status, from its first record by seq.
    if (reason !== undefined && (severity > state.reasonSeverity || (severity === state.reasonSeverity && record.seq < state.reasonSeq))) {
      entry.reason = reason;
      state.reasonSeq = record.seq;
      state.reasonSeverity = severity;
    }
    if (this.options.outputs !== false && record.outcome === 'ok' && record.seq < state.outputSeq) {
      entry.output = record.output;
      entry.outputRepeat = record.repeat;
      state.outputSeq = record.seq;
    }
  }

  /** The rows so far, each with one entry per cell id (in that order; `missing` where a cell has no record). */
  rows(cellIds: readonly string[]): MatrixRow[] {
    const order = this.options.rowOrder;
    const rows = [...this.rowsById.values()].sort((a, b) => {
      const x = order?.(a.rowId);
      const y = order?.(b.rowId);
      if (x !== undefined && y !== undefined && x !== y) return x - y;
      if (x !== undefined && y === undefined) return -1;
      if (x === undefined && y !== undefined) return 1;
      return a.firstSeq - b.firstSeq;
    });
    return rows.map((row, rowOrder) => ({
      rowId: row.rowId,
      rowOrder,
      entries: cellIds.map((cellId) => {
        const state = row.cells.get(cellId);
        return state !== undefined ? { ...state.entry } : missingEntry(cellId);
      }),
    }));
  }
}

function statusKey(status: MatrixStatus): Exclude<MatrixStatus, 'missing'> {
  return status === 'missing' ? 'none' : status;
}

function missingEntry(cellId: string): MatrixEntry {
  return { cellId, requests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, status: 'missing' };
}

/** Every row of the records (in first-seen seq order) x the cells given. */
export function rowMatrix(records: Iterable<RequestRecord>, cellIds: readonly string[]): MatrixRow[] {
  const builder = new RowMatrixBuilder();
  for (const record of records) builder.add(record);
  return builder.rows(cellIds);
}

/** Rows the console shows; the report shows them all. */
export const CONSOLE_MATRIX_ROWS = 25;

/** A builder that keeps the first `limit` rows of the datasets (given in dataset order), ordered as the datasets are. */
export function datasetRowMatrix(rowIds: readonly string[], limit: number): RowMatrixBuilder {
  const rowOrder = datasetRowOrder(rowIds);
  return new RowMatrixBuilder({ outputs: false, rowOrder, keepRow: (id) => (rowOrder(id) ?? Number.POSITIVE_INFINITY) < limit });
}

/** Each row id's position in the datasets (its first one, when an id repeats across files). */
export function datasetRowOrder(rowIds: readonly string[]): (rowId: string) => number | undefined {
  const position = new Map<string, number>();
  for (const [index, id] of rowIds.entries()) if (!position.has(id)) position.set(id, index);
  return (id) => position.get(id);
}
