/**
 * The file side of `qfbench compare`: a run folder read into what the pure comparison takes (its
 * summary, parsed and checked by `readSummaryJson`, and its requests.csv rows, streamed).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { compareRuns, type ComparedRun, type CompareOptions, type ComparisonResult } from '../../compare/index.js';
import { configError } from '../../errors.js';
import type { RequestRecord } from '../../metrics/types.js';
import { readRequestsCsv } from '../requests-csv.js';
import { readSummaryJson } from '../summary-json.js';

async function mustExist(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw configError(`${path}: missing; ${what}`);
  }
}

/** The run a qfbench run wrote into `dir`; its requests.csv is streamed each time a comparison reads it. */
export async function readComparedRun(dir: string): Promise<ComparedRun> {
  const summaryPath = join(dir, 'summary.json');
  const requestsPath = join(dir, 'requests.csv');
  await mustExist(summaryPath, 'give the folder a qfbench run wrote');
  await mustExist(requestsPath, 'the comparison computes its confidence from the per-request rows');
  // Read afresh on every pass, so one base can be compared with several candidates.
  const requests: AsyncIterable<RequestRecord> = { [Symbol.asyncIterator]: () => readRequestsCsv(requestsPath)[Symbol.asyncIterator]() };
  return { dir, summary: await readSummaryJson(summaryPath), requests };
}

/** Compare the run in `candidateDir` against the run in `baseDir` (folders a qfbench run wrote). */
export async function compareRunFolders(baseDir: string, candidateDir: string, options: CompareOptions = {}): Promise<ComparisonResult> {
  const [base, candidate] = await Promise.all([readComparedRun(baseDir), readComparedRun(candidateDir)]);
  return compareRuns(base, candidate, options);
}
