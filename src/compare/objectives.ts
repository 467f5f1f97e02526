/**
 * The verdict of one run: for each objective a user picks cells by (fastest TTFT p50 and p95,
 * fastest latency p50, highest output tokens/s, cheapest per 1,000 requests, highest pass rate),
 * the best cell, the runner-up, and whether the per-request data separates them. The statistics
 * are the comparison's (compare/stats.ts) applied to two cells of one run: a bootstrap interval of
 * the difference (of percentiles from the summary's histograms, of mean cost per request from
 * its token histograms, of the output rate from the gaps between ok completions when request rows
 * are given) or a two-proportion interval for pass rates, judged by `judge` with the same
 * tolerance, so noise is never named a winner.
 *
 * Pure: it reads no files and renders nothing.
 */
import { isFiniteNumber } from '../metrics/cell-figures.js';
import type { CellSummary } from '../metrics/types.js';
import { hashString, seededRandom, type Random } from '../util/random.js';
import { formatInterval, type FigureUnit } from './format.js';
import { histogramSample } from './histogram-sample.js';
import type { SampleRecord } from './samples.js';
import { fisherExact } from './exact-tests.js';
import {
  bootstrapDifference,
  bootstrapQuantileDifferences,
  judge,
  mean,
  relativeChange,
  resampleMean,
  twoProportionTest,
  type Direction,
  type Interval,
} from './stats.js';
import { DEFAULT_COMPARE_OPTIONS } from './types.js';

export const OBJECTIVE_IDS = ['ttft.p50', 'ttft.p95', 'latency.p50', 'outputTokensPerSec', 'costPer1k', 'passRate'] as const;
export type ObjectiveId = (typeof OBJECTIVE_IDS)[number];

export interface ObjectiveCell {
  id: string;
  label: string;
  value: number;
}

/** How the best cell stands against the runner-up. */
export type Separation = 'separated' | 'no significant difference' | 'insufficient data' | 'only one cell';

export interface ObjectiveResult {
  id: ObjectiveId;
  /** `fastest TTFT p50`, `cheapest per 1,000 requests`, ... */
  label: string;
  unit: FigureUnit;
  direction: Exclude<Direction, 'neutral'>;
  best: ObjectiveCell;
  runnerUp?: ObjectiveCell;
  /** best - runner-up, and that over |runner-up|. */
  delta: number | null;
  relative: number | null;
  /** Confidence interval of `delta`. */
  interval: Interval | null;
  separation: Separation;
  /** One sentence: why the separation. */
  statement: string;
}

export interface ObjectiveOptions {
  /** Per-request rows of the run (the output rate's interval needs the completion instants). */
  records?: readonly SampleRecord[];
  tolerance?: number;
  confidence?: number;
  resamples?: number;
  seed?: number;
  minSamples?: number;
}

type Resolved = Required<Omit<ObjectiveOptions, 'records'>> & { records?: readonly SampleRecord[] };

interface Candidate {
  cell: CellSummary;
  value: number;
}

interface Test {
  interval: Interval | null;
  /** Why there is no interval. */
  reason?: string;
  /** An exact test's p-value, when the objective has one: it must be below 1 − confidence too, as in `compare`. */
  pValue?: number;
}

interface Objective {
  id: ObjectiveId;
  label: string;
  unit: FigureUnit;
  direction: Exclude<Direction, 'neutral'>;
  value: (cell: CellSummary) => number | null;
  /** Interval of value(best) - value(runnerUp). */
  test: (best: CellSummary, runnerUp: CellSummary, options: Resolved, random: Random) => Test;
}

// ---------------------------------------------------------------------------------------------
// Values

function okCount(cell: CellSummary): number {
  return cell.outcomes.ok ?? 0;
}

/** CNY per 1,000 ok requests (the cost counts ok requests' tokens); null when unpriced or nothing ok. */
export function costPer1kRequests(cell: CellSummary): number | null {
  const cny = cell.cost?.cny;
  const ok = okCount(cell);
  if (!isFiniteNumber(cny) || ok === 0) return null;
  return (cny / ok) * 1000;
}

/** Trials of a pass rate: passed + failed + errored. */
function passTrials(cell: CellSummary): number {
  const a = cell.assertions;
  return a === undefined ? 0 : a.passed + a.failed + (a.errored ?? 0);
}

function passRate(cell: CellSummary): number | null {
  const rate = cell.assertions?.passRate;
  return isFiniteNumber(rate) && passTrials(cell) > 0 ? rate : null;
}

// ---------------------------------------------------------------------------------------------
// Tests

function quantileTest(series: 'latency' | 'ttft', q: number): Objective['test'] {
  return (best, runnerUp, options, random) => {
    const b = histogramSample(best.histograms[series], 1000);
    const r = histogramSample(runnerUp.histograms[series], 1000);
    if (b.length < options.minSamples || r.length < options.minSamples) {
      return { interval: null, reason: `fewer than ${options.minSamples} ok requests in a histogram of the two cells (${b.length} vs ${r.length})` };
    }
    const [estimate] = bootstrapQuantileDifferences(r, b, [q], { resamples: options.resamples, confidence: options.confidence, random });
    return { interval: estimate?.interval ?? null };
  };
}

/** Cost per 1,000 requests resampled from the cell's token histograms at its prices. */
const costTest: Objective['test'] = (best, runnerUp, options, random) => {
  const drawer = (cell: CellSummary): (() => number) | undefined => {
    const price = cell.cost?.price;
    const prompt = histogramSample(cell.histograms.promptTokens, 1);
    const completion = histogramSample(cell.histograms.completionTokens, 1);
    if (price === undefined || price === null || prompt.length < options.minSamples || completion.length < options.minSamples) return undefined;
    return () => resampleMean(prompt, random) * price.inputPer1k + resampleMean(completion, random) * price.outputPer1k;
  };
  const drawBest = drawer(best);
  const drawRunnerUp = drawer(runnerUp);
  const vb = costPer1kRequests(best);
  const vr = costPer1kRequests(runnerUp);
  if (drawBest === undefined || drawRunnerUp === undefined || vb === null || vr === null) {
    return { interval: null, reason: 'no price or too few token counts in a histogram of the two cells' };
  }
  return { interval: bootstrapDifference(vr, vb, drawRunnerUp, drawBest, options).interval };
};

function completedAt(record: SampleRecord): number | undefined {
  if (!isFiniteNumber(record.schedOffsetMs)) return undefined;
  if (isFiniteNumber(record.latencySchedMs)) return record.schedOffsetMs + record.latencySchedMs;
  if (isFiniteNumber(record.latencyMs)) return record.schedOffsetMs + (record.queueMs ?? 0) + record.latencyMs;
  return undefined;
}

/** Gaps between a cell's consecutive ok completions and its ok requests' completion tokens. */
function completionSeries(records: readonly SampleRecord[], cellId: string): { gaps: Float64Array; tokens: Float64Array } {
  const times: number[] = [];
  const tokens: number[] = [];
  for (const record of records) {
    if (record.cellId !== cellId || record.outcome !== 'ok') continue;
    const done = completedAt(record);
    if (done !== undefined) times.push(done);
    if (isFiniteNumber(record.completionTokens)) tokens.push(record.completionTokens);
  }
  times.sort((a, b) => a - b);
  const gaps = new Float64Array(Math.max(0, times.length - 1));
  for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i]! - times[i - 1]!;
  return { gaps, tokens: Float64Array.from(tokens) };
}

/** As compare's throughput delta: a resample's rate is the rate scaled by the resampled gaps and tokens. */
const outputRateTest: Objective['test'] = (best, runnerUp, options, random) => {
  const records = options.records;
  if (records === undefined) return { interval: null, reason: 'needs the per-request rows (completion instants), which this rendering lacks' };
  const drawer = (cell: CellSummary): (() => number) | undefined => {
    const { gaps, tokens } = completionSeries(records, cell.id);
    const rate = cell.throughput.outputTokensPerSec;
    if (gaps.length < options.minSamples || tokens.length === 0 || !(mean(tokens) > 0)) return undefined;
    const gapMean = mean(gaps);
    const tokenMean = mean(tokens);
    return () => rate * (gapMean / resampleMean(gaps, random)) * (resampleMean(tokens, random) / tokenMean);
  };
  const drawBest = drawer(best);
  const drawRunnerUp = drawer(runnerUp);
  if (drawBest === undefined || drawRunnerUp === undefined) return { interval: null, reason: 'too few ok completions with timestamps in the request rows' };
  return {
    interval: bootstrapDifference(runnerUp.throughput.outputTokensPerSec, best.throughput.outputTokensPerSec, drawRunnerUp, drawBest, options).interval,
  };
};

/** The interval shows the size of the lead; Fisher's exact test decides it, as `compare` does for unpaired counts (6/6 vs 2/6 is p = 0.061). */
const passRateTest: Objective['test'] = (best, runnerUp, options) => {
  const [basePassed, baseTrials, bestPassed, bestTrials] = [
    runnerUp.assertions?.passed ?? 0,
    passTrials(runnerUp),
    best.assertions?.passed ?? 0,
    passTrials(best),
  ];
  const test = twoProportionTest(basePassed, baseTrials, bestPassed, bestTrials, options.confidence);
  if (test === undefined) return { interval: null, reason: 'nothing checked in one of the cells' };
  return { interval: test.interval, pValue: fisherExact(basePassed, baseTrials, bestPassed, bestTrials) };
};

const OBJECTIVES: readonly Objective[] = [
  {
    id: 'ttft.p50',
    label: 'fastest TTFT p50',
    unit: 'ms',
    direction: 'lower-is-better',
    value: (c) => (c.ttftMs.count > 0 ? c.ttftMs.p50 : null),
    test: quantileTest('ttft', 0.5),
  },
  {
    id: 'ttft.p95',
    label: 'fastest TTFT p95',
    unit: 'ms',
    direction: 'lower-is-better',
    value: (c) => (c.ttftMs.count > 0 ? c.ttftMs.p95 : null),
    test: quantileTest('ttft', 0.95),
  },
  {
    id: 'latency.p50',
    label: 'fastest latency p50',
    unit: 'ms',
    direction: 'lower-is-better',
    value: (c) => (c.latencyMs.count > 0 ? c.latencyMs.p50 : null),
    test: quantileTest('latency', 0.5),
  },
  {
    id: 'outputTokensPerSec',
    label: 'highest output tokens/s',
    unit: 'per-second',
    direction: 'higher-is-better',
    value: (c) => (okCount(c) > 0 && c.tokens.completion > 0 ? c.throughput.outputTokensPerSec : null),
    test: outputRateTest,
  },
  { id: 'costPer1k', label: 'cheapest per 1,000 requests', unit: 'cny', direction: 'lower-is-better', value: costPer1kRequests, test: costTest },
  { id: 'passRate', label: 'highest pass rate', unit: 'rate', direction: 'higher-is-better', value: passRate, test: passRateTest },
];

// ---------------------------------------------------------------------------------------------
// The verdict

function resolve(options: ObjectiveOptions): Resolved {
  return {
    tolerance: options.tolerance ?? DEFAULT_COMPARE_OPTIONS.tolerance,
    confidence: options.confidence ?? DEFAULT_COMPARE_OPTIONS.confidence,
    resamples: options.resamples ?? DEFAULT_COMPARE_OPTIONS.resamples,
    seed: options.seed ?? DEFAULT_COMPARE_OPTIONS.seed,
    minSamples: options.minSamples ?? DEFAULT_COMPARE_OPTIONS.minSamples,
    ...(options.records !== undefined ? { records: options.records } : {}),
  };
}

function ranked(cells: readonly CellSummary[], objective: Objective): Candidate[] {
  const candidates: Candidate[] = [];
  for (const cell of cells) {
    const value = objective.value(cell);
    if (isFiniteNumber(value)) candidates.push({ cell, value });
  }
  const sign = objective.direction === 'lower-is-better' ? 1 : -1;
  // Stable: among equal values the earlier cell of the run leads.
  return candidates.sort((a, b) => sign * (a.value - b.value));
}

function statement(result: Omit<ObjectiveResult, 'statement'>, options: Resolved, reason: string | undefined): string {
  if (result.separation === 'only one cell') return 'the only cell with this figure';
  if (result.separation === 'insufficient data') return reason ?? 'not enough data for an interval';
  const interval = result.interval;
  if (interval === null) return '';
  if (result.delta === 0 && interval.low === 0 && interval.high === 0) return 'equal figures';
  // Every per-second objective is output tokens per second.
  const range = formatInterval(result.unit, interval).replace(/\/s$/, ' tok/s');
  const ci = `${Math.round(options.confidence * 100)}% CI ${range}`;
  if (result.separation === 'separated') return `${ci} excludes 0`;
  if (reason !== undefined) return `${ci}; ${reason}`;
  const excludes = interval.low > 0 || interval.high < 0;
  return excludes ? `${ci} excludes 0, but is within ±${(options.tolerance * 100).toFixed(0)}%` : `${ci} includes 0`;
}

function judgeObjective(objective: Objective, candidates: readonly Candidate[], options: Resolved): ObjectiveResult | undefined {
  const [first, second] = candidates;
  if (first === undefined) return undefined;
  const best: ObjectiveCell = { id: first.cell.id, label: first.cell.label, value: first.value };
  const base = { id: objective.id, label: objective.label, unit: objective.unit, direction: objective.direction, best };
  if (second === undefined) {
    const lone = { ...base, delta: null, relative: null, interval: null, separation: 'only one cell' as const };
    return { ...lone, statement: statement(lone, options, undefined) };
  }
  const runnerUp: ObjectiveCell = { id: second.cell.id, label: second.cell.label, value: second.value };
  const delta = first.value - second.value;
  const relative = relativeChange(second.value, delta);
  const random = seededRandom(hashString(`${options.seed}\u0000verdict\u0000${objective.id}\u0000${first.cell.id}\u0000${second.cell.id}`));
  const test = objective.test(first.cell, second.cell, options, random);
  const verdict = judge(objective.direction, test.interval, relative, options.tolerance);
  const alpha = 1 - options.confidence;
  const exactHolds = test.pValue === undefined || test.pValue < alpha;
  // The resampled data calling the best cell the worse one: the figures and their draws disagree, so nothing is claimed.
  const disagrees = verdict === 'regression';
  const separation: Separation =
    verdict === 'improvement' && exactHolds
      ? 'separated'
      : verdict === 'insufficient data' || test.interval === null || disagrees
        ? 'insufficient data'
        : 'no significant difference';
  const result = { ...base, runnerUp, delta, relative, interval: test.interval, separation };
  const reason = disagrees
    ? 'the resampled per-request data do not put this cell ahead, whatever its point figure'
    : verdict === 'improvement' && !exactHolds && test.pValue !== undefined
      ? `exact test p = ${test.pValue.toPrecision(2)} ≥ ${alpha.toFixed(2)}`
      : test.reason;
  return { ...result, statement: statement(result, options, reason) };
}

/** The verdict per objective, in OBJECTIVE_IDS order; an objective no cell has a figure for is left out. */
export function cellObjectives(cells: readonly CellSummary[], options: ObjectiveOptions = {}): ObjectiveResult[] {
  const resolved = resolve(options);
  const results: ObjectiveResult[] = [];
  for (const objective of OBJECTIVES) {
    const result = judgeObjective(objective, ranked(cells, objective), resolved);
    if (result !== undefined) results.push(result);
  }
  return results;
}
