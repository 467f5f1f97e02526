/**
 * The columns of requests.csv: their order, how each field is written (cut, redacted, neutralised,
 * rounded) and read back, and which headers a reader or an append accepts. See requests-csv.ts for
 * the layout.
 */
import { configError } from '../errors.js';
import { ASSERT_RESULTS, OUTCOMES, type Outcome, type RequestRecord } from '../metrics/types.js';
import { redactSecrets } from '../util/redact.js';
import { neutraliseCell } from './csv-safety.js';
import { fixed, isFiniteNumber } from './format.js';

type ColumnKind =
  /** Untrusted text, kept as '' when empty. */
  | 'text'
  /** Untrusted text, undefined when empty. */
  | 'optionalText'
  /** An integer count. */
  | 'int'
  /** Milliseconds, 3 decimals. */
  | 'ms'
  /** Tokens per second, 2 decimals. */
  | 'tps'
  /** A share from 0 to 1, 4 decimals. */
  | 'score'
  | 'outcome'
  | 'usageSource'
  | 'assertResult'
  /** `true` / `false`, empty when unset. */
  | 'boolean';

export interface ColumnSpec {
  readonly name: string;
  readonly key: keyof RequestRecord;
  readonly kind: ColumnKind;
  /** A number that every row must have. */
  readonly required?: boolean;
}

interface OptionalColumnSpec extends ColumnSpec {
  /** Columns of one group appear together, when the first record has any of the group's fields. */
  readonly group: 'assertions' | 'replay' | 'session' | 'safety' | 'rerank' | 'reasoning' | 'images' | 'conversation';
}

const ROW_ID_COLUMN: ColumnSpec = { name: 'row_id', key: 'rowId', kind: 'text' };
const OUTPUT_COLUMN: ColumnSpec = { name: 'output', key: 'output', kind: 'text' };

export const COLUMNS: readonly ColumnSpec[] = [
  { name: 'seq', key: 'seq', kind: 'int', required: true },
  { name: 'cell', key: 'cellId', kind: 'text' },
  { name: 'model', key: 'model', kind: 'text' },
  { name: 'endpoint', key: 'endpoint', kind: 'text' },
  { name: 'params', key: 'params', kind: 'text' },
  ROW_ID_COLUMN,
  { name: 'repeat', key: 'repeat', kind: 'int', required: true },
  { name: 'outcome', key: 'outcome', kind: 'outcome' },
  { name: 'error_code', key: 'errorCode', kind: 'optionalText' },
  { name: 'error_msg', key: 'errorMsg', kind: 'optionalText' },
  { name: 'http_status', key: 'httpStatus', kind: 'int' },
  { name: 'attempts', key: 'attempts', kind: 'int', required: true },
  { name: 'backoff_ms', key: 'backoffMs', kind: 'ms', required: true },
  { name: 'sched_offset_ms', key: 'schedOffsetMs', kind: 'ms' },
  { name: 'queue_ms', key: 'queueMs', kind: 'ms' },
  { name: 'latency_ms', key: 'latencyMs', kind: 'ms' },
  { name: 'latency_sched_ms', key: 'latencySchedMs', kind: 'ms' },
  { name: 'ttft_ms', key: 'ttftMs', kind: 'ms' },
  { name: 'ttft_sched_ms', key: 'ttftSchedMs', kind: 'ms' },
  { name: 'tpot_ms', key: 'tpotMs', kind: 'ms' },
  { name: 'decode_tps', key: 'decodeTps', kind: 'tps' },
  { name: 'text_events', key: 'textEvents', kind: 'int' },
  { name: 'prompt_tokens', key: 'promptTokens', kind: 'int' },
  { name: 'completion_tokens', key: 'completionTokens', kind: 'int' },
  { name: 'total_tokens', key: 'totalTokens', kind: 'int' },
  { name: 'usage_source', key: 'usageSource', kind: 'usageSource' },
  { name: 'finish_reason', key: 'finishReason', kind: 'optionalText' },
  OUTPUT_COLUMN,
];

const OPTIONAL_COLUMNS: readonly OptionalColumnSpec[] = [
  { name: 'assert_result', key: 'assertResult', kind: 'assertResult', group: 'assertions' },
  { name: 'assert_reason', key: 'assertReason', kind: 'optionalText', group: 'assertions' },
  // Absent in files written before scores existed: headerColumns accepts any in-order subset.
  { name: 'assert_score', key: 'assertScore', kind: 'score', group: 'assertions' },
  { name: 'replayed', key: 'replayed', kind: 'boolean', group: 'replay' },
  { name: 'session', key: 'session', kind: 'int', group: 'session' },
  // v1's safety and truncation fields: every record of a v1 run has them.
  { name: 'need_clear_history', key: 'needClearHistory', kind: 'boolean', group: 'safety' },
  { name: 'ban_round', key: 'banRound', kind: 'int', group: 'safety' },
  { name: 'is_truncated', key: 'isTruncated', kind: 'boolean', group: 'safety' },
  // Reranker cells: the documents each request sent.
  { name: 'documents', key: 'documents', kind: 'int', group: 'rerank' },
  // Text-to-image cells: the images each request asked for, and its latency per image.
  { name: 'images', key: 'images', kind: 'int', group: 'images' },
  { name: 'ms_per_image', key: 'msPerImage', kind: 'ms', group: 'images' },
  // Reasoning models: time to first reasoning token and reasoning tokens (metrics definition 2).
  { name: 'ttfrt_ms', key: 'ttfrtMs', kind: 'ms', group: 'reasoning' },
  { name: 'reasoning_tokens', key: 'reasoningTokens', kind: 'int', group: 'reasoning' },
  // --sessions runs: each turn's session, its index and the history it was sent with.
  { name: 'session_id', key: 'sessionId', kind: 'optionalText', group: 'conversation' },
  { name: 'turn', key: 'turn', kind: 'int', group: 'conversation' },
  { name: 'history_messages', key: 'historyMessages', kind: 'int', group: 'conversation' },
  { name: 'history_chars', key: 'historyChars', kind: 'int', group: 'conversation' },
  { name: 'history_action', key: 'historyAction', kind: 'optionalText', group: 'conversation' },
];

/** The header of requests.csv, in order (the base columns; optional ones may follow). */
export const REQUEST_CSV_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name);

/** The optional columns that may follow `output`, in order. */
export const OPTIONAL_REQUEST_CSV_COLUMNS: readonly string[] = OPTIONAL_COLUMNS.map((c) => c.name);

/** A set of optional columns that appear together. */
export type ColumnGroup = OptionalColumnSpec['group'];

/**
 * The columns a file whose first record is `record` gets: the base ones plus the groups it fills,
 * plus `always` (groups the run knows it needs whatever its first record, e.g. `reasoning` when a
 * model of the run is a reasoning model and the first answer may come from another).
 */
export function columnsFor(record: RequestRecord, always: readonly ColumnGroup[] = []): readonly ColumnSpec[] {
  const groups = new Set([...always, ...OPTIONAL_COLUMNS.filter((spec) => record[spec.key] !== undefined).map((spec) => spec.group)]);
  return [...COLUMNS, ...OPTIONAL_COLUMNS.filter((spec) => groups.has(spec.group))];
}

/**
 * An output cell holds at most this many characters, then says how long the answer was: below
 * Excel's 32,767-character cell limit, and a hostile 8 MiB answer does not make an 8 MB cell.
 */
export const OUTPUT_CELL_MAX_CHARS = 32_000;

function capOutputCell(text: string): string {
  return text.length <= OUTPUT_CELL_MAX_CHARS ? text : `${text.slice(0, OUTPUT_CELL_MAX_CHARS)}… [cut: ${text.length} characters in all]`;
}

/**
 * A record's text fields as requests.csv stores them (cut, redacted, neutralised), so a record
 * held in memory compares equal to the same record read back from a run folder.
 */
export function storedText(record: RequestRecord): { rowId: string; output: string } {
  return { rowId: formatField(ROW_ID_COLUMN, record.rowId), output: formatField(OUTPUT_COLUMN, record.output) };
}

function formatField(spec: ColumnSpec, value: unknown): string {
  if (spec.key === 'output' && typeof value === 'string') value = capOutputCell(value);
  switch (spec.kind) {
    case 'text':
    case 'optionalText':
    case 'outcome':
    case 'usageSource':
    case 'assertResult':
      // Registered keys and tokens never reach a cell, whoever filled the record.
      return value === undefined || value === null ? '' : neutraliseCell(redactSecrets(String(value)));
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : '';
    case 'int':
      return isFiniteNumber(value) ? String(value) : '';
    case 'ms':
      return fixed(value as number | undefined, 3);
    case 'tps':
      return fixed(value as number | undefined, 2);
    case 'score':
      return fixed(value as number | undefined, 4);
  }
}

/** The CSV fields of one record, in column order (`columns`: by default the ones its own fields call for). */
export function requestRecordToRow(record: RequestRecord, columns: readonly ColumnSpec[] = columnsFor(record)): string[] {
  return columns.map((spec) => formatField(spec, record[spec.key]));
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

function parseField(spec: ColumnSpec, raw: string, where: string): unknown {
  switch (spec.kind) {
    case 'text':
      return raw;
    case 'optionalText':
      return raw === '' ? undefined : raw;
    case 'outcome':
      if (!OUTCOME_SET.has(raw)) {
        throw configError(`${where}: outcome ${JSON.stringify(raw)} is not one of ${OUTCOMES.join(', ')}`);
      }
      return raw as Outcome;
    case 'usageSource':
      if (raw === '') return undefined;
      if (raw !== 'server' && raw !== 'estimate') {
        throw configError(`${where}: usage_source ${JSON.stringify(raw)} is not server or estimate`);
      }
      return raw;
    case 'assertResult':
      if (raw === '') return undefined;
      if (!(ASSERT_RESULTS as readonly string[]).includes(raw)) {
        throw configError(`${where}: assert_result ${JSON.stringify(raw)} is not one of ${ASSERT_RESULTS.join(', ')}`);
      }
      return raw;
    case 'boolean':
      if (raw === '') return undefined;
      if (raw !== 'true' && raw !== 'false') throw configError(`${where}: ${spec.name} ${JSON.stringify(raw)} is not true or false`);
      return raw === 'true';
    case 'int':
    case 'ms':
    case 'tps':
    case 'score': {
      if (raw === '') {
        if (spec.required === true) throw configError(`${where}: ${spec.name} is empty`);
        return undefined;
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) throw configError(`${where}: ${spec.name} ${JSON.stringify(raw)} is not a number`);
      return value;
    }
  }
}

/** One CSV row (in `columns` order, by default the base columns) back to a record; `where` names the place for error messages. */
export function rowToRequestRecord(row: readonly string[], where: string, columns: readonly ColumnSpec[] = COLUMNS): RequestRecord {
  const record: Partial<Record<keyof RequestRecord, unknown>> = {};
  columns.forEach((spec, i) => {
    const value = parseField(spec, row[i] ?? '', where);
    if (value !== undefined) record[spec.key] = value;
  });
  if (!isRequestRecord(record)) throw configError(`${where}: not a qfbench request row (a required column is missing)`);
  return record;
}

/** The fields every row has, of the types `parseField` gives them (the optional ones it checked as it read them). */
function isRequestRecord(record: Partial<Record<keyof RequestRecord, unknown>>): record is RequestRecord {
  const { seq, cellId, model, endpoint, params, rowId, repeat, outcome, attempts, backoffMs, output } = record;
  const text = [cellId, model, endpoint, params, rowId, output].every((value) => typeof value === 'string');
  const numbers = [seq, repeat, attempts, backoffMs].every((value) => typeof value === 'number');
  return text && numbers && typeof outcome === 'string' && OUTCOME_SET.has(outcome);
}

/** The error for a first line that is not a requests.csv header (`action`: what could not be done, e.g. an append). */
export function notRequestsCsvHeader(where: string, found: readonly string[], action?: string): Error {
  const optional = OPTIONAL_REQUEST_CSV_COLUMNS.join(',');
  return configError(
    `${where}: ${action !== undefined ? `${action}: ` : ''}not a qfbench requests.csv (expected the header ${REQUEST_CSV_COLUMNS.join(',')}, ` +
      `optionally followed by some of ${optional}; found ${found.join(',')})`,
  );
}

/** Throws, naming `where`, unless `header` is a requests.csv header (the base columns, then optional ones in order). */
export function assertRequestsCsvHeader(header: readonly string[], where: string): void {
  if (headerColumns(header) === undefined) throw notRequestsCsvHeader(where, header);
}

/** The columns a header names: the base ones in order, then optional ones in their order; undefined if it is not such a header. */
export function headerColumns(header: readonly string[]): readonly ColumnSpec[] | undefined {
  if (header.length < COLUMNS.length || COLUMNS.some((spec, i) => header[i] !== spec.name)) return undefined;
  const extra: ColumnSpec[] = [];
  let next = 0;
  for (const name of header.slice(COLUMNS.length)) {
    const at = OPTIONAL_COLUMNS.findIndex((spec, i) => i >= next && spec.name === name);
    if (at === -1) return undefined;
    extra.push(OPTIONAL_COLUMNS[at] as OptionalColumnSpec);
    next = at + 1;
  }
  return [...COLUMNS, ...extra];
}
