/** Helpers shared by the CSV and JSONL loaders: locations, ids, file access, text decoding. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { datasetError, isUserError, type UserError } from '../errors.js';

/** `FILE:LINE` or `FILE:LINE:COLUMN`, the `where` of `datasetError`. */
export function at(file: string, line: number, column?: number): string {
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

/** The id of a row that has none: `<basename>#<line>`. */
export function defaultId(file: string, line: number): string {
  return `${basename(file)}#${line}`;
}

/** Remembers the ids seen in one file and rejects a repeat, naming both lines. */
export class IdRegistry {
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: string) {}

  add(id: string, line: number, column?: number): void {
    const first = this.seen.get(id);
    if (first !== undefined) {
      throw datasetError(at(this.file, line, column), `duplicate id ${JSON.stringify(id)}: line ${first} already uses it; ids must be unique within a file`);
    }
    this.seen.set(id, line);
  }
}

/** `"a", "b", "c"`, or `(none)`. */
export function quoteList(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => JSON.stringify(n)).join(', ');
}

/** `a string`, `an array`, `null`, … for "expected X; got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? `the string ${JSON.stringify(value)}` : 'a string';
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export const NOT_UTF8_HINT = 'the file is not valid UTF-8 (was it saved as GBK/GB18030 or UTF-16, e.g. by Excel?); save it as UTF-8';

/** Turns a file-system error into one line that names the file. */
export function fileError(file: string, error: unknown): UserError {
  if (isUserError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : error instanceof Error
            ? error.message
            : String(error);
  return datasetError(file, `cannot read the dataset file: ${reason}`);
}

/** Fails with one clear error unless `file` is an existing regular file. */
export async function assertReadableFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (error) {
    throw fileError(file, error);
  }
  if (!isFile) throw datasetError(file, 'cannot read the dataset file: it is not a regular file');
}

/**
 * Reads a whole file as UTF-8 with the BOM removed. Bytes that are not UTF-8 (a GBK export,
 * say) are an error on the first offending line rather than silently mangled Chinese text.
 */
export async function readUtf8File(file: string): Promise<string> {
  await assertReadableFile(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw fileError(file, error);
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw datasetError(file, 'the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
  }
  try {
    return stripBom(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw datasetError(at(file, firstInvalidUtf8Line(bytes)), NOT_UTF8_HINT);
  }
}

/** 1-based number of the first `\n`-separated line that is not valid UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    line += 1;
    start = end + 1;
  }
  return 1;
}
