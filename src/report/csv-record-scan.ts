/**
 * Where the records of a CSV file end, found byte by byte as the file streams past: a file of
 * several GB is never held whole, and a record cut by a crash (kill -9 mid-write, possibly inside
 * a quoted multi-line field) is told apart from the complete ones before it.
 *
 * A record ends at an LF outside quotes. Quote state follows the CSV our writer emits: a field
 * that starts with `"` is quoted up to a `"` not followed by another `"` (`""` is a quote inside).
 * For a well-formed file this is the same as toggling on every `"`. A quote where none can be
 * (inside an unquoted field, or a closing quote followed by anything but `,`, `"` or LF) is an
 * error naming the line: a stray quote would flip the parity of every later record, and a
 * hand-edited middle must never be taken for a torn tail and cut off.
 */
import { createReadStream } from 'node:fs';
import { configError } from '../errors.js';
import { errnoCode } from '../util/fs-util.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;

/** The parser's place: at the start of a field, inside an unquoted one, inside a quoted one, just after a quote inside a quoted one. */
type QuoteState = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/** One complete record: its bytes in the file (the end is just after its LF). */
export interface CsvRecordSpan {
  readonly start: number;
  readonly end: number;
  /** The line it starts on, 1-based (a quoted field's line breaks count). */
  readonly line: number;
  /** Its exact bytes, LF included, when they were asked for. */
  readonly raw: Buffer | undefined;
}

/** A header longer than this is not one of ours: it is not kept, so a hostile first "record" cannot fill memory. */
const MAX_HEADER_BYTES = 64 * 1024;

export class CsvRecordSplitter {
  private state: QuoteState = 'fieldStart';
  private offset = 0;
  private line = 1;
  private recordStart = 0;
  private recordLine = 1;
  private pieces: Buffer[] = [];
  private keptBytes = 0;
  private records = 0;
  private header: Buffer | undefined;

  /** `where` names the file in errors; `keepRaw` 'all' gives every record's bytes, 'header' only the first record's. */
  constructor(
    private readonly where: string,
    private readonly keepRaw: 'all' | 'header',
  ) {}

  /** Bytes up to the end of the last complete record. */
  get completeBytes(): number {
    return this.recordStart;
  }

  /** Bytes seen so far. */
  get totalBytes(): number {
    return this.offset;
  }

  /** The first record's bytes (LF included), once it is complete and if it was short enough to keep. */
  get headerBytes(): Buffer | undefined {
    return this.header;
  }

  private keeping(): boolean {
    return this.keepRaw === 'all' || (this.records === 0 && this.keptBytes <= MAX_HEADER_BYTES);
  }

  private malformed(reason: string): never {
    throw configError(`${this.where}:${this.line}: malformed requests.csv: ${reason}`);
  }

  /** Feed the next chunk; returns the records it completed, in order. */
  push(chunk: Buffer): CsvRecordSpan[] {
    const done: CsvRecordSpan[] = [];
    let pieceStart = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'quoted') {
        // The hot path for long answers: jump to the next quote, counting the line breaks passed.
        const quote = chunk.indexOf(QUOTE, i);
        const stop = quote === -1 ? chunk.length : quote;
        for (let lf = chunk.indexOf(LF, i); lf !== -1 && lf < stop; lf = chunk.indexOf(LF, lf + 1)) this.line += 1;
        if (quote === -1) break;
        this.state = 'quoteInQuoted';
        i = quote + 1;
        continue;
      }
      const byte = chunk[i];
      if (byte === LF) {
        const end = this.offset + i + 1;
        let raw: Buffer | undefined;
        if (this.keeping()) {
          this.pieces.push(chunk.subarray(pieceStart, i + 1));
          raw = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
          if (this.records === 0) this.header = raw;
        }
        done.push({ start: this.recordStart, end, line: this.recordLine, raw: this.keepRaw === 'all' ? raw : undefined });
        this.records += 1;
        this.pieces = [];
        this.keptBytes = 0;
        pieceStart = i + 1;
        this.recordStart = end;
        this.line += 1;
        this.recordLine = this.line;
        this.state = 'fieldStart';
      } else if (byte === COMMA) {
        this.state = 'fieldStart';
      } else if (byte === QUOTE) {
        if (this.state === 'fieldStart') this.state = 'quoted';
        else if (this.state === 'quoteInQuoted') this.state = 'quoted';
        else this.malformed('a quote inside an unquoted field');
      } else if (this.state === 'quoteInQuoted') {
        this.malformed('a closing quote not followed by a comma or a line end');
      } else {
        this.state = 'unquoted';
      }
      i += 1;
    }
    if (pieceStart < chunk.length && this.keeping()) {
      this.pieces.push(chunk.subarray(pieceStart));
      this.keptBytes += chunk.length - pieceStart;
    }
    this.offset += chunk.length;
    return done;
  }
}

/** A read failure of `path` as the one-line error the requests.csv readers give. */
export function readError(error: unknown, path: string): unknown {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') return configError(`${path}: cannot read it (${code})`);
  return error;
}

/**
 * Stream `path` through a splitter, handing each complete record to `onRecord` (awaited, so a
 * slow consumer holds the reading back). Resolves with the splitter, for its totals and header.
 */
export async function splitCsvFile(
  path: string,
  keepRaw: 'all' | 'header',
  onRecord?: (record: CsvRecordSpan) => void | Promise<void>,
): Promise<CsvRecordSplitter> {
  const splitter = new CsvRecordSplitter(path, keepRaw);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      for (const record of splitter.push(chunk)) await onRecord?.(record);
    }
  } catch (error) {
    throw readError(error, path);
  }
  return splitter;
}

/** The fields of one complete record's bytes (its LF dropped, quotes undone). */
export function csvFields(raw: Buffer): string[] {
  const text = raw.toString('utf8');
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1 || quote >= end) return [...fields, value + text.slice(i, end)];
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const stop = comma === -1 || comma > end ? end : comma;
      fields.push(text.slice(i, stop));
      i = stop;
    }
    if (i >= end) return fields;
    i += 1; // the comma
  }
}
