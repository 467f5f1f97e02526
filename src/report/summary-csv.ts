/**
 * summary.csv: one row per cell (model x parameter set), for spreadsheets. Every row says
 * whether the figures came from the built-in simulator, so a simulated number cannot pass for a
 * real one once the row is copied somewhere else.
 *
 * A run that carries cost gets cost columns (COST_CSV_COLUMNS: "unknown" where a model has no
 * price, never 0 or blank) and one last row, cell `TOTAL`, with the counts, tokens and cost of all
 * cells added up (cost "unknown" when any cell is).
 */
import { provenanceTag } from './provenance.js';
import { stringify } from 'csv-stringify/sync';
import { cellCostPart, cellPrice, summaryCost } from '../cost/summary-cost.js';
import { OUTCOMES, type CellSummary, type DistributionSummary, type RunSummary } from '../metrics/types.js';
import { neutraliseCell } from './csv-safety.js';
import { writeFileAtomic } from '../util/fs-util.js';
import { cellRates, fixed, hasReasoning, isFiniteNumber, stat } from './format.js';

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

const dist = (pick: (cell: CellSummary) => DistributionSummary, key: keyof DistributionSummary): Getter => {
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
  ['params', text((c) => JSON.stringify(c.params))],
  ['planned', int((c) => c.planned)],
  ...OUTCOMES.map((outcome): readonly [string, Getter] => [outcome, int((c) => c.outcomes[outcome])]),
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
  ['prompt_tokens', int((c) => c.tokens.prompt)],
  ['completion_tokens', int((c) => c.tokens.completion)],
  ['total_tokens', int((c) => c.tokens.total)],
  ['requests_per_sec', (c) => fixed(c.throughput.requestsPerSec, 3)],
  ['output_tokens_per_sec', (c) => fixed(c.throughput.outputTokensPerSec, 3)],
  ['simulated', (_c, s) => (s.run.simulated ? 'true' : 'false')],
  ['run_kind', (_c, s) => provenanceTag(s)],
];

/** An amount in CNY to 6 decimals, or `unknown`: an unpriced cost is never written as 0 or left blank. */
function cny(value: number | null | undefined): string {
  return isFiniteNumber(value) ? String(Math.round(value * 1e6) / 1e6) : 'unknown';
}

const COST_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['cost_cny', (c) => cny(c.cost?.cny)],
  ['cost_input_cny', (c) => cny(cellCostPart(c, 'inputCny'))],
  ['cost_output_cny', (c) => cny(cellCostPart(c, 'outputCny'))],
  ['price_input_per_1k', (c) => cny(cellPrice(c)?.inputPer1k)],
  ['price_output_per_1k', (c) => cny(cellPrice(c)?.outputPer1k)],
  ['price_effective_from', text((c) => cellPrice(c)?.effectiveFrom ?? 'unknown')],
  ['price_source', text((c) => cellPrice(c)?.source ?? 'unknown')],
];

/** Appended when some cell is a reranker's. */
const DOCUMENTS_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [['documents_per_sec', (c) => fixed(c.throughput.documentsPerSec, 3)]];

/** Appended when some cell is a text-to-image one's. */
const IMAGES_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [['images_per_sec', (c) => fixed(c.throughput.imagesPerSec, 3)]];

/** Appended when some cell is a reasoning model's (metrics definition 2). */
const ttfrt = (c: CellSummary): DistributionSummary | undefined => c.ttfrtMs;
const REASONING_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['ttfrt_p50_ms', (c) => fixed(stat(ttfrt(c), 'p50'), 3)],
  ['ttfrt_p90_ms', (c) => fixed(stat(ttfrt(c), 'p90'), 3)],
  ['ttfrt_p99_ms', (c) => fixed(stat(ttfrt(c), 'p99'), 3)],
  ['reasoning_tokens', int((c) => c.tokens.reasoning)],
];

/** The header of summary.csv, in order (without cost). */
export const SUMMARY_CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** Columns appended when the run carries cost. */
export const COST_CSV_COLUMNS: readonly string[] = COST_COLUMNS.map(([name]) => name);

/** The TOTAL row: counts and tokens added up, cost in total; per-cell figures left blank. */
function totalRow(summary: RunSummary, columns: ReadonlyArray<readonly [string, Getter]>): string[] {
  const cost = summaryCost(summary);
  const sum = (get: (cell: CellSummary) => number | undefined): string =>
    String(summary.cells.reduce((total, cell) => total + (isFiniteNumber(get(cell)) ? (get(cell) as number) : 0), 0));
  const knownParts = (part: 'inputCny' | 'outputCny'): string => {
    const values = summary.cells.map((cell) => cellCostPart(cell, part));
    return values.some((value) => value === null) ? 'unknown' : cny(values.reduce((total: number, value) => total + (value as number), 0));
  };
  const values: Record<string, string> = {
    cell: 'TOTAL',
    label: 'all cells',
    planned: sum((c) => c.planned),
    ...Object.fromEntries(OUTCOMES.map((outcome) => [outcome, sum((c) => c.outcomes[outcome])])),
    prompt_tokens: sum((c) => c.tokens.prompt),
    completion_tokens: sum((c) => c.tokens.completion),
    total_tokens: sum((c) => c.tokens.total),
    reasoning_tokens: sum((c) => c.tokens.reasoning),
    simulated: summary.run.simulated ? 'true' : 'false',
    run_kind: provenanceTag(summary),
    cost_cny: cny(cost?.totalCny),
    cost_input_cny: knownParts('inputCny'),
    cost_output_cny: knownParts('outputCny'),
  };
  return columns.map(([name]) => values[name] ?? '');
}

/** Columns appended when the run checks assertions: pass rate over every repeat, and its counts. */
const ASSERTION_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['pass_rate', (c) => (c.assertions?.passRate === null || c.assertions === undefined ? '' : c.assertions.passRate.toFixed(4))],
  ['assert_passed', (c) => (c.assertions === undefined ? '' : String(c.assertions.passed))],
  ['assert_failed', (c) => (c.assertions === undefined ? '' : String(c.assertions.failed))],
  // Requests that got no answer, so nothing could be checked: apart from failed checks.
  ['assert_errored', (c) => (c.assertions === undefined ? '' : String(c.assertions.errored ?? 0))],
  // The mean weighted score of the cell's answers (empty in runs before scores were kept).
  ['assert_score', (c) => fixed(c.assertions?.score, 4)],
];

/** One `metric_NAME` column per named metric of any cell: its mean score in that cell. */
function metricColumns(summary: RunSummary): Array<readonly [string, Getter]> {
  const names = [...new Set(summary.cells.flatMap((cell) => Object.keys(cell.assertions?.metrics ?? {})))].sort();
  return names.map((name) => [`metric_${name}`, (c: CellSummary) => fixed(c.assertions?.metrics?.[name]?.score, 4)] as const);
}

/** Appended when the run has an --slo: goodput per second, the ok requests that met it, and their share. */
const GOODPUT_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['goodput_per_sec', (c) => fixed(c.goodput?.perSec, 3)],
  ['slo_met', int((c) => c.goodput?.met)],
  ['slo_attainment', (c) => fixed(c.goodput?.attainment, 4)],
];

/** summary.csv as a string (header and one row per cell; with cost, its columns and a TOTAL row; with assertions, pass rates). */
export function renderSummaryCsv(summary: RunSummary, options: SummaryCsvOptions = {}): string {
  const withCost = summaryCost(summary) !== undefined;
  const withChecks = summary.cells.some((cell) => cell.assertions !== undefined);
  const withDocuments = summary.cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  const withReasoning = summary.cells.some(hasReasoning);
  const columns = [
    ...COLUMNS,
    ...(withDocuments ? DOCUMENTS_COLUMNS : []),
    ...(summary.cells.some((cell) => cell.throughput.imagesPerSec !== undefined) ? IMAGES_COLUMNS : []),
    ...(withReasoning ? REASONING_COLUMNS : []),
    ...(withCost ? COST_COLUMNS : []),
    ...(withChecks ? [...ASSERTION_COLUMNS, ...metricColumns(summary)] : []),
    ...(summary.cells.some((cell) => cell.goodput !== undefined) ? GOODPUT_COLUMNS : []),
  ];
  const rows: string[][] = [columns.map(([name]) => name), ...summary.cells.map((cell) => columns.map(([, get]) => get(cell, summary)))];
  if (withCost) rows.push(totalRow(summary, columns));
  return stringify(rows, { bom: options.excelBom === true, record_delimiter: 'unix' });
}

/** Write summary.csv atomically; its folder is created if missing. */
export async function writeSummaryCsv(path: string, summary: RunSummary, options: SummaryCsvOptions = {}): Promise<void> {
  await writeFileAtomic(path, renderSummaryCsv(summary, options));
}
