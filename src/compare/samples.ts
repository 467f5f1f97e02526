/**
 * Per-cell samples of one run for the comparison, taken from its per-request rows: timings and
 * tokens of ok requests (the metrics definition takes timings from ok requests only) and the
 * instants ok requests completed (for throughput). Each series is a seeded reservoir of bounded
 * size, so memory and bootstrap time stay bounded however many rows there are. The rows come in
 * as data (requests.csv streamed by the caller, or the records of a run still in memory). The same
 * pass notes each request's assertion verdict by row and repeat, so the pass rates can be paired.
 */
import { isFiniteNumber } from '../metrics/cell-figures.js';
import type { RequestRecord } from '../metrics/types.js';
import { hashString, seededRandom } from '../util/random.js';
import { Reservoir } from './stats.js';

export const SAMPLE_SERIES = ['latency', 'ttft', 'promptTokens', 'completionTokens', 'completedAt'] as const;
export type SampleSeries = (typeof SAMPLE_SERIES)[number];

/** The fields of a request row the comparison reads (the row, repeat and verdict only for the pass rate). */
export type SampleRecord = Pick<
  RequestRecord,
  'cellId' | 'outcome' | 'schedOffsetMs' | 'queueMs' | 'latencyMs' | 'latencySchedMs' | 'ttftMs' | 'promptTokens' | 'completionTokens'
> &
  Partial<Pick<RequestRecord, 'rowId' | 'repeat' | 'assertResult' | 'assertReason'>>;

/** One request's verdict: passed its row's assertions or not (a request without an answer fails them). */
export interface RowVerdict {
  rowId: string;
  repeat: number;
  pass: boolean;
  /** Why it failed, cut to `REASON_CHARS`. */
  reason?: string;
}

/** Verdicts of a cell keyed by row id and repeat, in the order the rows came; `duplicated` when a key came twice (it cannot be paired). */
export interface CellVerdicts {
  byKey: Map<string, RowVerdict>;
  duplicated: boolean;
}

const REASON_CHARS = 300;

export function verdictKey(rowId: string, repeat: number): string {
  return `${rowId}\u0000${repeat}`;
}

/** A run's request rows, in the order they were written; read once. */
export type SampleRows = Iterable<SampleRecord> | AsyncIterable<SampleRecord>;

export interface CellSamples {
  series: Record<SampleSeries, Reservoir>;
  /** Rows of the cell, and how many of them are ok. */
  rows: number;
  okRows: number;
  verdicts: CellVerdicts;
}

function completedAt(record: SampleRecord): number | undefined {
  if (!isFiniteNumber(record.schedOffsetMs)) return undefined;
  if (isFiniteNumber(record.latencySchedMs)) return record.schedOffsetMs + record.latencySchedMs;
  if (isFiniteNumber(record.latencyMs)) return record.schedOffsetMs + (record.queueMs ?? 0) + record.latencyMs;
  return undefined;
}

function newCellSamples(cellKey: string, capacity: number, seed: number): CellSamples {
  const series = Object.fromEntries(
    SAMPLE_SERIES.map((name) => [name, new Reservoir(capacity, seededRandom(hashString(`${seed}\u0000${cellKey}\u0000${name}`)))]),
  ) as Record<SampleSeries, Reservoir>;
  return { series, rows: 0, okRows: 0, verdicts: { byKey: new Map(), duplicated: false } };
}

/**
 * Samples of the cells in `cells` (cell id -> the key the comparison matched it by; the key seeds
 * the reservoirs, so both runs sample a matched cell the same way).
 */
export async function collectCellSamples(
  rows: SampleRows,
  cells: ReadonlyMap<string, string>,
  options: { maxSamples: number; seed: number },
): Promise<Map<string, CellSamples>> {
  const samples = new Map<string, CellSamples>();
  for (const [cellId, key] of cells) samples.set(cellId, newCellSamples(key, options.maxSamples, options.seed));
  for await (const record of rows) {
    const cell = samples.get(record.cellId);
    if (cell === undefined) continue;
    cell.rows += 1;
    noteVerdict(cell.verdicts, record);
    if (record.outcome !== 'ok') continue;
    cell.okRows += 1;
    const { series } = cell;
    if (isFiniteNumber(record.latencyMs)) series.latency.add(record.latencyMs);
    if (isFiniteNumber(record.ttftMs)) series.ttft.add(record.ttftMs);
    if (isFiniteNumber(record.promptTokens)) series.promptTokens.add(record.promptTokens);
    if (isFiniteNumber(record.completionTokens)) series.completionTokens.add(record.completionTokens);
    const done = completedAt(record);
    if (done !== undefined) series.completedAt.add(done);
  }
  return samples;
}

function noteVerdict(verdicts: CellVerdicts, record: SampleRecord): void {
  const { rowId, repeat, assertResult } = record;
  if (rowId === undefined || repeat === undefined || (assertResult !== 'pass' && assertResult !== 'fail')) return;
  const key = verdictKey(rowId, repeat);
  if (verdicts.byKey.has(key)) verdicts.duplicated = true;
  const verdict: RowVerdict = { rowId, repeat, pass: assertResult === 'pass' };
  if (assertResult === 'fail' && record.assertReason !== undefined && record.assertReason !== '') {
    verdict.reason = record.assertReason.length > REASON_CHARS ? `${record.assertReason.slice(0, REASON_CHARS - 1)}…` : record.assertReason;
  }
  verdicts.byKey.set(key, verdict);
}
