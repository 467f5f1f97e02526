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
 * columns after it. Appending (a resumed run) keeps the header already in the file: every new row
 * gets exactly its columns. The columns themselves: requests-csv-columns.ts.
 *
 * Optional columns: `assert_result`/`assert_reason`, `replayed`, and `session` (every run with a
 * run.json: which session of a resumed run wrote the row).
 *
 * Flush policy (what survives a crash): every row is handed to the kernel with its own write, and
 * a run frees a request's slot only once that write completed (`persisted()`), so `kill -9` loses
 * only the requests in flight and may tear the last row. For a power loss the
 * writer also calls fdatasync in the background, at most every `syncIntervalMs` (200) while rows
 * keep coming, one at a time and never blocking the producer, and once more at close: at most the
 * rows of the last interval (plus those in flight) are lost, and a resume sends them again. A crash
 * can leave a torn last record; requests-csv-repair.ts finds and cuts it, and
 * `readRequestsCsv(path, { tornTail: 'skip' })` reads the complete records before it.
 */
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline as pipelineCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify as stringifyRow, type Options as StringifyOptions } from 'csv-stringify/sync';
import { configError } from '../errors.js';
import type { RequestRecord } from '../metrics/types.js';
import { ensureParentDirSync, environmentError, errnoCode } from '../util/fs-util.js';
import { PacedDataSync } from '../util/paced-data-sync.js';
import { splitCsvFile } from './csv-record-scan.js';
import {
  COLUMNS,
  columnsFor,
  headerColumns,
  notRequestsCsvHeader,
  requestRecordToRow,
  rowToRequestRecord,
  type ColumnGroup,
  type ColumnSpec,
} from './requests-csv-columns.js';

export {
  assertRequestsCsvHeader,
  OPTIONAL_REQUEST_CSV_COLUMNS,
  OUTPUT_CELL_MAX_CHARS,
  REQUEST_CSV_COLUMNS,
  requestRecordToRow,
  rowToRequestRecord,
  storedText,
} from './requests-csv-columns.js';

export interface RequestsCsvOptions {
  /** Write a UTF-8 byte order mark first, so Excel opens Chinese text correctly (not when appending to a file that has a header). */
  excelBom?: boolean;
  /**
   * Append to an existing requests.csv: its header decides the columns of every new row, and no
   * header or BOM is written. A missing or empty file is started as a new one. A file whose first
   * line is not a requests.csv header, or that does not end with a line end (a torn last record:
   * cut it first with `truncateTornTail`), is refused.
   */
  append?: boolean;
  /** Longest wait, in ms, between background fdatasyncs while rows keep coming (default 200; 0: after every batch of rows). */
  syncIntervalMs?: number;
  /** Optional column groups a new file gets whatever its first record (a run with a reasoning model: `reasoning`). */
  groups?: readonly ColumnGroup[];
}

export const DEFAULT_SYNC_INTERVAL_MS = 200;

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
  /**
   * Resolves once every row written so far has reached the kernel (so it survives kill -9); a run
   * awaits it before a request's slot frees, so a kill loses only requests in flight. Rejects if the file has failed.
   */
  persisted(): Promise<void>;
  /** Rows accepted so far by this writer (not counting the header, nor rows already in an appended file). */
  readonly rowsWritten: number;
  /** Ends the file; resolves once every row is written, synced to disk and the file is closed. Idempotent. */
  close(): Promise<void>;
}

/** An existing file's header is read from at most this many bytes (ours is under 500). */
const HEADER_READ_BYTES = 64 * 1024;

/**
 * The columns of the requests.csv an append continues, from its header; undefined when the file
 * is missing or empty (it is started as a new one).
 */
function appendColumns(path: string): readonly ColumnSpec[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw environmentError(error, `read ${path}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const head = Buffer.alloc(Math.min(size, HEADER_READ_BYTES));
    const got = readSync(fd, head, 0, head.length, 0);
    const lineEnd = head.subarray(0, got).indexOf(0x0a);
    const header = head
      .subarray(0, lineEnd === -1 ? got : lineEnd)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(',');
    const columns = lineEnd === -1 ? undefined : headerColumns(header);
    if (columns === undefined) throw notRequestsCsvHeader(`${path}:1`, header, 'cannot append to it');
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) throw configError(`${path}: cannot append to it: its last record is torn (cut by a crash); cut it off first`);
    return columns;
  } catch (error) {
    throw environmentError(error, `read ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Unix line ends, fields quoted only when needed (a quote, comma, CR or LF inside). */
const CSV_OPTIONS: StringifyOptions = { record_delimiter: 'unix', quote_record_delimiter: true };

class StreamingRequestsCsvWriter implements RequestsCsvWriter {
  private readonly file;
  private readonly syncer: PacedDataSync;
  private readonly done: Promise<void>;
  private failure: unknown;
  private closing: Promise<void> | undefined;
  /**
   * The one wait for the next 'drain', shared by every producer that asks while the buffer is full:
   * a listener per waiter would pile up (MaxListenersExceededWarning at -c 64 on a fast server).
   */
  private drained: Promise<void> | undefined;
  /** Settles when the last row written so far has reached the kernel (writes complete in order). */
  private lastWrite: Promise<void> = Promise.resolve();
  private count = 0;
  /** Chosen with the first record, or by the header of the file appended to (see the top of this file). */
  private columns: readonly ColumnSpec[] | undefined;
  private bom: boolean;
  private readonly groups: readonly ColumnGroup[];

  constructor(
    private readonly path: string,
    options: RequestsCsvOptions,
  ) {
    ensureParentDirSync(path);
    this.columns = options.append === true ? appendColumns(path) : undefined;
    this.bom = options.excelBom === true && this.columns === undefined;
    this.groups = options.groups ?? [];
    // The fd stays open after the last write (autoClose false) so close() syncs it before closing it.
    this.file = createWriteStream(path, { encoding: 'utf8', flags: options.append === true ? 'a' : 'w', autoClose: false });
    this.syncer = new PacedDataSync(
      options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
      () => this.file.writableLength > 0,
      (error) => {
        this.failure ??= environmentError(error, `sync ${path} to disk`, 'the rows written before are kept');
        this.file.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    this.file.once('open', (fd: number) => this.syncer.attach(fd));
    // A full disk or an unwritable file ends the run with one line naming the file (exit 2), not a stack.
    this.done = new Promise<void>((resolve, reject) => {
      this.file.once('finish', () => resolve());
      this.file.once('error', (error: unknown) => {
        this.failure ??= environmentError(error, `write ${path}`, 'the rows written before are kept');
        this.syncer.stop(false).catch(() => undefined);
        reject(this.failure);
      });
    });
    this.done.catch(() => undefined);
  }

  /** One CSV line to the file; its promise settles once the kernel has it. */
  private writeLine(fields: readonly string[]): void {
    let text = stringifyRow([fields as string[]], CSV_OPTIONS);
    if (this.bom) {
      text = `\uFEFF${text}`;
      this.bom = false;
    }
    this.lastWrite = new Promise<void>((resolve) => this.file.write(text, () => resolve()));
  }

  private writeHeader(columns: readonly ColumnSpec[]): readonly ColumnSpec[] {
    this.columns = columns;
    this.writeLine(columns.map((spec) => spec.name));
    return columns;
  }

  get rowsWritten(): number {
    return this.count;
  }

  write(record: RequestRecord): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new Error('requests.csv writer is already closed');
    const columns = this.columns ?? this.writeHeader(columnsFor(record, this.groups));
    this.writeLine(requestRecordToRow(record, columns));
    this.count += 1;
    this.syncer.written();
  }

  async ready(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.file.writableNeedDrain) return;
    // `once` rejects on an 'error' event: then `done` gives the failure (as a user error for a full disk); it settles when the file ends or fails.
    this.drained ??= Promise.race([
      once(this.file, 'drain').then(
        () => undefined,
        async () => this.done,
      ),
      this.done,
    ]).finally(() => {
      this.drained = undefined;
    });
    await this.drained;
  }

  async persisted(): Promise<void> {
    await Promise.race([this.lastWrite, this.done]);
    if (this.failure !== undefined) throw this.failure;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.columns === undefined && !this.file.destroyed) this.writeHeader(COLUMNS);
      if (!this.file.destroyed) this.file.end();
      try {
        const written = await this.done.then(
          () => true,
          () => false,
        );
        await this.syncer.stop(written && this.failure === undefined).catch((error: unknown) => {
          this.failure ??= environmentError(error, `sync ${this.path} to disk`, 'the rows written before are kept');
        });
      } finally {
        if (!this.file.destroyed) {
          this.file.destroy();
          await once(this.file, 'close').catch(() => undefined);
        }
      }
      if (this.failure !== undefined) throw this.failure;
    })();
    return this.closing;
  }
}

/**
 * Open `path` (its folder is created if missing) for streaming request rows; the header is
 * written with the first row (or at close), except when appending to a file that has one.
 */
export function openRequestsCsv(path: string, options: RequestsCsvOptions = {}): RequestsCsvWriter {
  return new StreamingRequestsCsvWriter(path, options);
}

export interface ReadRequestsCsvOptions {
  /**
   * 'fail' (the default): a torn last record (a run killed mid-write) is an error naming the file.
   * 'skip': the bytes after the last complete record are left unread, so a killed run's folder
   * reads; a malformed record before them is still an error naming file:line.
   */
  tornTail?: 'fail' | 'skip';
}

/**
 * Stream the records of a requests.csv back (for re-rendering reports). Text comes back exactly
 * as written, including any `'` added against CSV injection; numbers come back as numbers (at the
 * precision written: 3 decimals for milliseconds) and empty fields as undefined.
 */
export async function* readRequestsCsv(path: string, options: ReadRequestsCsvOptions = {}): AsyncIterable<RequestRecord> {
  // `info: true` snapshots the position as each record is made (the parser may run ahead of us).
  const parser = parse({ bom: true, info: true, relax_column_count: false, skip_empty_lines: false });
  pipelineCallback(await requestsCsvBytes(path, options.tornTail ?? 'fail'), parser, () => {
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
      if (columns === undefined) throw notRequestsCsvHeader(`${path}:${line}`, row);
      continue;
    }
    yield rowToRequestRecord(row, `${path}:${line}`, columns);
  }
  if (columns === undefined) throw configError(`${path}: empty file, not a qfbench requests.csv`);
}

/** The bytes a reader parses: the whole file, or with tornTail 'skip' those up to the end of the last complete record. */
async function requestsCsvBytes(path: string, tornTail: 'fail' | 'skip'): Promise<Readable> {
  if (tornTail === 'fail') return createReadStream(path);
  const { completeBytes } = await splitCsvFile(path, 'header');
  // Read up to that offset even if the file has grown since.
  return completeBytes === 0 ? Readable.from([]) : createReadStream(path, { end: completeBytes - 1 });
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
