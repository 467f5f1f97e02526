/**
 * The baseline's answers the outputs section of report.html sets beside this run's: read from the
 * baseline folder's summary.json and requests.csv, streamed, keeping only the ok answers of the
 * rows the report shows (bounded, each cut like the report's own rows), so memory stays small
 * however large either run is.
 */
import { pathExists } from '../util/fs-util.js';
import { join } from 'node:path';
import type { RequestRecord } from '../metrics/types.js';
import type { BaselineAnswers } from './html-outputs.js';
import { restoreNeutralisedCell } from './csv-safety.js';
import { readRequestsCsv } from './requests-csv.js';
import { readSummaryJson } from './summary-json.js';

/** Baseline requests kept at most. */
export const BASELINE_ANSWER_LIMIT = 4000;
/** Characters of a baseline answer kept. */
const ANSWER_CHARS = 4096;

/**
 * The baseline's ok answers of the given rows, or undefined when the folder no longer has a
 * summary.json and requests.csv (a report rebuilt after the baseline was deleted just has none).
 */
export async function readBaselineAnswers(
  dir: string,
  rows: readonly Pick<RequestRecord, 'rowId' | 'repeat'>[],
  limit = BASELINE_ANSWER_LIMIT,
): Promise<BaselineAnswers | undefined> {
  const summaryPath = join(dir, 'summary.json');
  const requestsPath = join(dir, 'requests.csv');
  if (!(await pathExists(summaryPath)) || !(await pathExists(requestsPath))) return undefined;
  const summary = await readSummaryJson(summaryPath);
  // Only the (row, repeat) pairs the report shows, once per baseline cell: repeats it does not show never use up the limit.
  const wanted = new Set(rows.map((row) => pairKey(row.rowId, row.repeat)));
  const wantedRows = new Set(rows.map((row) => row.rowId));
  const kept = new Set<string>();
  // The first ok answer of each (cell, row) too: the fallback when the baseline lacks that repeat.
  const rowKept = new Set<string>();
  const records: RequestRecord[] = [];
  for await (const stored of readRequestsCsv(requestsPath, { tornTail: 'skip' })) {
    if (stored.outcome !== 'ok') continue;
    // As the model wrote it (requests.csv guards cells against formula injection).
    const rowId = restoreNeutralisedCell(stored.rowId);
    const pair = pairKey(rowId, stored.repeat);
    const key = `${stored.cellId}\u0000${pair}`;
    const rowKey = `${stored.cellId}\u0000${rowId}`;
    const forRepeat = wanted.has(pair) && !kept.has(key);
    const forRow = wantedRows.has(rowId) && !rowKept.has(rowKey);
    if (!forRepeat && !forRow) continue;
    kept.add(key);
    rowKept.add(rowKey);
    records.push({ ...stored, rowId, output: restoreNeutralisedCell(stored.output).slice(0, ANSWER_CHARS) });
    if (records.length >= limit) break;
  }
  return { dir, summary, records };
}

function pairKey(rowId: string, repeat: number): string {
  return `${rowId}\u0000${repeat}`;
}
