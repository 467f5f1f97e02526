/**
 * requests.csv: one row per planned request, streamed to disk as requests finish.
 *
 * Layout: a fixed header, UTF-8 (optionally with a BOM for Excel), `\n` line ends, fields quoted
 * only when needed (comma, quote, CR or LF inside). Milliseconds carry 3 decimals (microseconds),
 * `decode_tps` 2, counts none; a missing value is an empty field. Every text field is untrusted
 * (it can hold model output, dataset text, server messages) and goes through `neutraliseCell`;
 * numbers we format ourselves never do.
 *
 * Optional columns follow `output` when a run has the feature that fills them: `assert_result` and
 * `assert_reason` (assertions), `replayed` (--replay). Such a feature sets its fields on every
 * record of the run, so the first record written decides the header (written with it, lazily);
 * an empty file has the base header. Readers accept the base header with any of the optional
 * columns after it.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline as pipelineCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { configError } from '../errors.js';
import { ASSERT_RESULTS, OUTCOMES, type Outcome, type RequestRecord } from '../metrics/types.js';
import { neutraliseCell } from './csv-safety.js';
import { redactSecrets } from '../util/redact.js';
import { ensureParentDirSync, environmentError } from '../util/fs-util.js';
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
  | 'outcome'
  | 'usageSource'
  | 'assertResult'
  /** `true` / `false`, empty when unset. */
  | 'boolean';

interface ColumnSpec {
  readonly name: string;
  readonly key: keyof RequestRecord;
  readonly kind: ColumnKind;
  /** A number that every row must have. */
  readonly required?: boolean;
}

interface OptionalColumnSpec extends ColumnSpec {
  /** Columns of one group appear together, when the first record has any of the group's fields. */
  readonly group: 'assertions' | 'replay';
}

const ROW_ID_COLUMN: ColumnSpec = { name: 'row_id', key: 'rowId', kind: 'text' };
const OUTPUT_COLUMN: ColumnSpec = { name: 'output', key: 'output', kind: 'text' };

const COLUMNS: readonly ColumnSpec[] = [
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
  { name: 'replayed', key: 'replayed', kind: 'boolean', group: 'replay' },
];

/** The header of requests.csv, in order (the base columns; optional ones may follow). */
export const REQUEST_CSV_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name);

/** The optional columns that may follow `output`, in order. */
export const OPTIONAL_REQUEST_CSV_COLUMNS: readonly string[] = OPTIONAL_COLUMNS.map((c) => c.name);

/** The columns a file whose first record is `record` gets: the base ones plus the groups it fills. */
function columnsFor(record: RequestRecord): readonly ColumnSpec[] {
  const groups = new Set(OPTIONAL_COLUMNS.filter((spec) => record[spec.key] !== undefined).map((spec) => spec.group));
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
  }
}

/** The CSV fields of one record, in column order (`columns`: by default the ones its own fields call for). */
export function requestRecordToRow(record: RequestRecord, columns: readonly ColumnSpec[] = columnsFor(record)): string[] {
  return columns.map((spec) => formatField(spec, record[spec.key]));
}

export interface RequestsCsvOptions {
  /** Write a UTF-8 byte order mark first, so Excel opens Chinese text correctly. */
  excelBom?: boolean;
}

export interface RequestsCsvWriter {
  /**
   * Queue one row; it reaches the file as soon as the stream can take it. Never drops a row:
   * while the disk is slower than the producer, rows wait in the stream's buffer (await
   * `ready()` between rows to keep that buffer bounded). Throws once the writer is closed or the
   * file has failed.
   */
  write(record: RequestRecord): void;
  /**
   * Resolves when the buffer is below its high-water mark (at once, normally). A producer that
   * awaits it keeps memory bounded however fast it runs. Rejects if the file has failed.
   */
  ready(): Promise<void>;
  /** Rows accepted so far (not counting the header). */
  readonly rowsWritten: number;
  /** Ends the file; resolves once every row is written and the file is closed. Idempotent. */
  close(): Promise<void>;
}

class StreamingRequestsCsvWriter implements RequestsCsvWriter {
  private readonly stringifier;
  private readonly done: Promise<void>;
  private failure: unknown;
  private closing: Promise<void> | undefined;
  /**
   * The one wait for the next 'drain', shared by every producer that asks while the buffer is full:
   * a listener per waiter would pile up (MaxListenersExceededWarning at -c 64 on a fast server).
   */
  private drained: Promise<void> | undefined;
  private count = 0;
  /** Chosen with the first record (see the top of this file). */
  private columns: readonly ColumnSpec[] | undefined;

  constructor(path: string, options: RequestsCsvOptions) {
    ensureParentDirSync(path);
    this.stringifier = stringify({
      bom: options.excelBom === true,
      record_delimiter: 'unix',
      quote_record_delimiter: true,
    });
    // A full disk or an unwritable file ends the run with one line naming the file (exit 2), not a stack.
    this.done = pipeline(this.stringifier, createWriteStream(path, { encoding: 'utf8' })).catch((error: unknown) => {
      this.failure ??= environmentError(error, `write ${path}`, 'the rows written before are kept');
      throw this.failure;
    });
    this.done.catch(() => undefined);
  }

  private writeHeader(columns: readonly ColumnSpec[]): readonly ColumnSpec[] {
    this.columns = columns;
    this.stringifier.write(columns.map((spec) => spec.name));
    return columns;
  }

  get rowsWritten(): number {
    return this.count;
  }

  write(record: RequestRecord): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new Error('requests.csv writer is already closed');
    const columns = this.columns ?? this.writeHeader(columnsFor(record));
    this.stringifier.write(requestRecordToRow(record, columns));
    this.count += 1;
  }

  async ready(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.stringifier.writableNeedDrain) return;
    // `once` rejects on an 'error' event: then `done` gives the failure (as a user error for a full disk); it settles when the pipeline ends or fails.
    this.drained ??= Promise.race([
      once(this.stringifier, 'drain').then(
        () => undefined,
        async () => this.done,
      ),
      this.done,
    ]).finally(() => {
      this.drained = undefined;
    });
    await this.drained;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.columns === undefined && !this.stringifier.destroyed) this.writeHeader(COLUMNS);
      if (!this.stringifier.destroyed) this.stringifier.end();
      await this.done;
    })();
    return this.closing;
  }
}

/** Open `path` (its folder is created if missing) for streaming request rows; the header is written at once. */
export function openRequestsCsv(path: string, options: RequestsCsvOptions = {}): RequestsCsvWriter {
  return new StreamingRequestsCsvWriter(path, options);
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
    case 'tps': {
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

/**
 * Stream the records of a requests.csv back (for re-rendering reports). Text comes back exactly
 * as written, including any `'` added against CSV injection; numbers come back as numbers (at the
 * precision written: 3 decimals for milliseconds) and empty fields as undefined.
 */
export async function* readRequestsCsv(path: string): AsyncIterable<RequestRecord> {
  // `info: true` snapshots the position as each record is made (the parser may run ahead of us).
  const parser = parse({ bom: true, info: true, relax_column_count: false, skip_empty_lines: false });
  pipelineCallback(createReadStream(path), parser, () => {
    // Errors reach the consumer through the parser's async iterator.
  });
  let columns: readonly ColumnSpec[] | undefined;
  /** Line the next record starts on (1-based). */
  let startLine = 1;
  for await (const item of csvRecords(parser, path, () => startLine)) {
    const row = item.record;
    const line = startLine;
    startLine = item.info.lines + 1; // `lines` is the line the record ended on
    if (columns === undefined) {
      columns = headerColumns(row);
      if (columns === undefined) {
        const optional = OPTIONAL_REQUEST_CSV_COLUMNS.join(',');
        throw configError(
          `${path}:${line}: not a qfbench requests.csv (expected the header ${REQUEST_CSV_COLUMNS.join(',')}, optionally followed by some of ${optional}; ` +
            `found ${row.join(',')})`,
        );
      }
      continue;
    }
    yield rowToRequestRecord(row, `${path}:${line}`, columns);
  }
  if (columns === undefined) throw configError(`${path}: empty file, not a qfbench requests.csv`);
}

/**
 * The parser's records, with its failures (a torn or hand-edited file, a missing one) turned into
 * one-line configuration errors naming the file and line instead of a stack.
 */
async function* csvRecords(parser: AsyncIterable<unknown>, path: string, line: () => number): AsyncIterable<{ record: string[]; info: { lines: number } }> {
  try {
    yield* parser as AsyncIterable<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) throw configError(`${path}:${line()}: malformed requests.csv: ${(error as Error).message}`);
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw configError(`${path}: cannot read it (${code})`);
    throw error;
  }
}

/** The columns a header names: the base ones in order, then optional ones in their order; undefined if it is not such a header. */
function headerColumns(header: readonly string[]): readonly ColumnSpec[] | undefined {
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
