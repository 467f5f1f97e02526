/**
 * For tests of runs that die: spawn the real CLI and SIGKILL it once its requests.csv holds some
 * number of complete rows, and read the complete rows a killed run left (a torn last line cut off).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CsvRecordSplitter, csvFields } from '../../src/report/csv-record-scan.js';
import { runCli, type CliOptions, type CliResult } from './cli.js';

/** The complete records of a requests.csv being written or left by a crash: its bytes up to the last record end. */
function completeBytes(path: string): Buffer {
  if (!existsSync(path)) return Buffer.alloc(0);
  const bytes = readFileSync(path);
  const splitter = new CsvRecordSplitter(path, 'header');
  splitter.push(bytes);
  return bytes.subarray(0, splitter.completeBytes);
}

/** Data rows of `path` that are complete (the header and a torn last line are not counted); 0 before the file exists. */
export function completeRowCount(path: string): number {
  if (!existsSync(path)) return 0;
  const splitter = new CsvRecordSplitter(path, 'header');
  return Math.max(0, splitter.push(readFileSync(path)).length - 1);
}

/** Rewrites `path` to its header and the complete records `keep` accepts (by their `seq`), each byte for byte. */
export function keepRawRows(path: string, keep: (seq: number) => boolean): void {
  const splitter = new CsvRecordSplitter(path, 'all');
  const records = splitter.push(readFileSync(path));
  const kept = records.filter((record, index) => index === 0 || keep(Number(csvFields(record.raw as Buffer)[0])));
  writeFileSync(path, Buffer.concat(kept.map((record) => record.raw as Buffer)));
}

/** The complete rows of `path` by column name, as a crash left them. */
export function completeRows(path: string): Record<string, string>[] {
  const bytes = completeBytes(path);
  return bytes.length === 0 ? [] : (parse(bytes, { columns: true, bom: true }) as Record<string, string>[]);
}

export interface KilledRunResult extends CliResult {
  /** The complete rows the file held when the signal was sent; undefined when the run ended first. */
  killedAtRows: number | undefined;
}

/**
 * Runs the CLI and sends it SIGKILL (no handler, no flush, no cleanup: like a crash or an OOM kill),
 * or `signal`, as soon as `requestsCsv` holds at least `rows` complete rows. A run that ends before that is left alone.
 */
export function runCliKilledAtRows(
  args: string[],
  options: Pick<CliOptions, 'env' | 'timeoutMs' | 'cwd'> & { requestsCsv: string; rows: number; pollMs?: number; signal?: NodeJS.Signals },
): Promise<KilledRunResult> {
  let killedAtRows: number | undefined;
  let poll: NodeJS.Timeout | undefined;
  const run = runCli(args, {
    ...options,
    onSpawn: (child) => {
      poll = setInterval(() => {
        if (killedAtRows !== undefined || child.exitCode !== null) return;
        const count = completeRowCount(options.requestsCsv);
        if (count < options.rows) return;
        killedAtRows = count;
        child.kill(options.signal ?? 'SIGKILL');
      }, options.pollMs ?? 5);
    },
  });
  return run
    .then((result) => ({ ...result, killedAtRows }))
    .finally(() => {
      clearInterval(poll);
    });
}
