/**
 * summary.csv: one row per cell (model x parameter set), for spreadsheets. Every row says
 * whether the figures came from the built-in simulator, so a simulated number cannot pass for a
 * real one once the row is copied somewhere else.
 */
import { stringify } from 'csv-stringify/sync';
import { OUTCOMES, type CellSummary, type DistributionSummary, type RunSummary } from '../metrics/types.js';
import { neutraliseCell } from './csv-safety.js';
import { writeFileAtomic } from './fs-util.js';
import { cellRates, fixed, isFiniteNumber, stat } from './format.js';

export interface SummaryCsvOptions {
  /** Write a UTF-8 byte order mark first, so Excel opens Chinese text correctly. */
  excelBom?: boolean;
}

type Getter = (cell: CellSummary, summary: RunSummary) => string;

const text =
  (get: (cell: CellSummary) => string): Getter =>
  (cell) =>
    neutraliseCell(get(cell));

const int =
  (get: (cell: CellSummary) => number | undefined): Getter =>
  (cell) => {
    const value = get(cell);
    return isFiniteNumber(value) ? String(value) : '';
  };

const dist = (
  pick: (cell: CellSummary) => DistributionSummary,
  key: keyof DistributionSummary,
): Getter => {
  return (cell) => fixed(stat(pick(cell), key), 3);
};

const latency = (c: CellSummary): DistributionSummary => c.latencyMs;
const ttft = (c: CellSummary): DistributionSummary => c.ttftMs;
const tpot = (c: CellSummary): DistributionSummary => c.tpotMs;

const COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['cell', text((c) => c.id)],
  ['label', text((c) => c.label)],
  ['model', text((c) => c.model)],
  ['endpoint', text((c) => c.endpoint)],
  ['params', text((c) => JSON.stringify(c.params ?? {}))],
  ['planned', int((c) => c.planned)],
  ...OUTCOMES.map((outcome): readonly [string, Getter] => [outcome, int((c) => c.outcomes?.[outcome] ?? 0)]),
  ['error_rate', (c) => fixed(cellRates(c).errorRate, 4)],
  ['throttled_rate', (c) => fixed(cellRates(c).throttledRate, 4)],
  ['latency_p50_ms', dist(latency, 'p50')],
  ['latency_p90_ms', dist(latency, 'p90')],
  ['latency_p95_ms', dist(latency, 'p95')],
  ['latency_p99_ms', dist(latency, 'p99')],
  ['latency_mean_ms', dist(latency, 'mean')],
  ['latency_max_ms', dist(latency, 'max')],
  ['ttft_p50_ms', dist(ttft, 'p50')],
  ['ttft_p90_ms', dist(ttft, 'p90')],
  ['ttft_p99_ms', dist(ttft, 'p99')],
  ['tpot_p50_ms', dist(tpot, 'p50')],
  ['tpot_p90_ms', dist(tpot, 'p90')],
  ['tpot_p99_ms', dist(tpot, 'p99')],
  ['prompt_tokens', int((c) => c.tokens?.prompt)],
  ['completion_tokens', int((c) => c.tokens?.completion)],
  ['total_tokens', int((c) => c.tokens?.total)],
  ['requests_per_sec', (c) => fixed(c.throughput?.requestsPerSec, 3)],
  ['output_tokens_per_sec', (c) => fixed(c.throughput?.outputTokensPerSec, 3)],
  ['simulated', (_c, s) => (s.run.simulated ? 'true' : 'false')],
];

/** The header of summary.csv, in order. */
export const SUMMARY_CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** summary.csv as a string (header and one row per cell). */
export function renderSummaryCsv(summary: RunSummary, options: SummaryCsvOptions = {}): string {
  const rows: string[][] = [
    [...SUMMARY_CSV_COLUMNS],
    ...summary.cells.map((cell) => COLUMNS.map(([, get]) => get(cell, summary))),
  ];
  return stringify(rows, { bom: options.excelBom === true, record_delimiter: 'unix' });
}

/** Write summary.csv atomically; its folder is created if missing. */
export async function writeSummaryCsv(
  path: string,
  summary: RunSummary,
  options: SummaryCsvOptions = {},
): Promise<void> {
  await writeFileAtomic(path, renderSummaryCsv(summary, options));
}
