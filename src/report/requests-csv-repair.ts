/**
 * Repairs for the requests.csv of a run that was killed: find the torn last record (cut mid-write,
 * possibly inside a quoted multi-line output), cut it off, or rewrite the file keeping only some
 * records. Files can be GBs: everything streams. Kept records are copied byte for byte, never
 * re-formatted: their text was neutralised against CSV injection once, and must not be twice.
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { configError } from '../errors.js';
import { OUTCOMES, type Outcome } from '../metrics/types.js';
import { environmentError } from '../util/fs-util.js';
import { csvFields, splitCsvFile, type CsvRecordSpan } from './csv-record-scan.js';
import { assertRequestsCsvHeader } from './requests-csv-columns.js';

export interface RequestsCsvScan {
  /** Bytes up to the end of the last complete record (its LF included). */
  completeBytes: number;
  /** Bytes after it: a record cut by a crash; 0 for a file that ends cleanly. */
  tornBytes: number;
  /** The fields of the first complete record (BOM removed), undefined when there is none; not checked to be a requests.csv header. */
  header: string[] | undefined;
}

function headerFields(raw: Buffer | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const fields = csvFields(raw);
  if (fields[0] !== undefined) fields[0] = fields[0].replace(/^\uFEFF/, '');
  return fields;
}

/** Where the complete records of `path` end. A malformed record (a stray quote) is an error naming file:line. */
export async function scanRequestsCsv(path: string): Promise<RequestsCsvScan> {
  const splitter = await splitCsvFile(path, 'header');
  return { completeBytes: splitter.completeBytes, tornBytes: splitter.totalBytes - splitter.completeBytes, header: headerFields(splitter.headerBytes) };
}

/** Cut a torn last record off `path` (and sync the cut); a file that ends cleanly is left alone. */
export async function truncateTornTail(path: string): Promise<{ tornBytes: number }> {
  const { completeBytes, tornBytes } = await scanRequestsCsv(path);
  if (tornBytes === 0) return { tornBytes };
  try {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(completeBytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw environmentError(error, `cut the torn last record off ${path}`);
  }
  return { tornBytes };
}

/** The fields of a record `filterRequestsCsv` asks about. */
export interface RequestsCsvRowKey {
  seq: number;
  outcome: Outcome;
  attempts: number;
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

/** Copies are gathered into writes of about this size. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * Rewrite `path` keeping its header and the complete records `keep` accepts, each exactly as its
 * bytes were, and dropping a torn last record. Atomic: a temporary sibling is written and synced,
 * then renamed over the file (the folder is synced too), so a crash leaves the old file or the new.
 */
export async function filterRequestsCsv(
  path: string,
  keep: (row: RequestsCsvRowKey) => boolean,
): Promise<{ kept: number; removed: number; tornBytes: number }> {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  let kept = 0;
  let removed = 0;
  let columns: KeyColumns | undefined;
  try {
    const mode = (await stat(path)).mode & 0o777;
    const out = await open(temp, 'wx', mode);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes > 0) await out.writev(pending);
      pending = [];
      pendingBytes = 0;
    };
    const copy = async (raw: Buffer): Promise<void> => {
      pending.push(raw);
      pendingBytes += raw.length;
      if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
    };
    let splitter;
    try {
      splitter = await splitCsvFile(path, 'all', async (record: CsvRecordSpan) => {
        const raw = record.raw as Buffer;
        const fields = csvFields(raw);
        if (columns === undefined) {
          columns = keyColumns(headerFields(raw) ?? [], `${path}:${record.line}`);
          await copy(raw);
          return;
        }
        if (keep(rowKey(fields, columns, `${path}:${record.line}`))) {
          kept += 1;
          await copy(raw);
        } else {
          removed += 1;
        }
      });
      if (columns === undefined) throw configError(`${path}: no complete header, not a qfbench requests.csv`);
      await flush();
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, path);
    await syncFolder(dirname(path));
    return { kept, removed, tornBytes: splitter.totalBytes - splitter.completeBytes };
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw environmentError(error, `rewrite ${path}`, 'the file is unchanged');
  }
}

/** Where the fields a filter looks at are, and how many fields every record has. */
interface KeyColumns {
  seq: number;
  outcome: number;
  attempts: number;
  count: number;
}

function keyColumns(header: string[], where: string): KeyColumns {
  assertRequestsCsvHeader(header, where);
  return { seq: header.indexOf('seq'), outcome: header.indexOf('outcome'), attempts: header.indexOf('attempts'), count: header.length };
}

function rowKey(fields: readonly string[], columns: KeyColumns, where: string): RequestsCsvRowKey {
  if (fields.length !== columns.count) throw configError(`${where}: malformed requests.csv: ${fields.length} fields, the header has ${columns.count}`);
  const integer = (name: 'seq' | 'attempts'): number => {
    const raw = fields[columns[name]] ?? '';
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isInteger(value)) throw configError(`${where}: ${name} ${JSON.stringify(raw)} is not an integer`);
    return value;
  };
  const outcome = fields[columns.outcome] ?? '';
  if (!OUTCOME_SET.has(outcome)) throw configError(`${where}: outcome ${JSON.stringify(outcome)} is not one of ${OUTCOMES.join(', ')}`);
  return { seq: integer('seq'), outcome: outcome as Outcome, attempts: integer('attempts') };
}

/** Make a rename in `dir` durable; a platform that cannot open or sync a folder keeps the rename anyway. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle
    .sync()
    .catch(() => undefined)
    .finally(() => handle.close());
}
