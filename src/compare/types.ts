/** The shape of a comparison of two runs (what `compareRuns` returns). */
import type { CellLoad } from '../metrics/types.js';
import type { PairedCounts } from './exact-tests.js';
import type { Direction, Interval, RankTestResult, Verdict } from './stats.js';

export type { Direction, Interval, RankTestResult, Verdict } from './stats.js';

export interface CompareOptions {
  /** Relative change below which nothing is called a regression or improvement (default 0.05). */
  tolerance?: number;
  /** Two-sided confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Values kept per cell and series, by reservoir sampling (default 5000). */
  maxSamples?: number;
  /** Seed of the sampling and the bootstrap (default 1). */
  seed?: number;
  /** Fewest ok requests on each side for a timing or token interval (default 5). */
  minSamples?: number;
}

export type ResolvedCompareOptions = Required<CompareOptions>;

export const DEFAULT_COMPARE_OPTIONS: ResolvedCompareOptions = {
  tolerance: 0.05,
  confidence: 0.95,
  resamples: 2000,
  maxSamples: 5000,
  seed: 1,
  minSamples: 5,
};

export type MetricUnit = 'ms' | 'rate' | 'per-second' | 'tokens' | 'cny';

export interface MetricDelta {
  /** Stable id, e.g. `latency.p95`, `errorRate`, `outputTokensPerSec`. */
  metric: string;
  /** Human name, e.g. `latency p95`. */
  label: string;
  unit: MetricUnit;
  direction: Direction;
  base: number | null;
  candidate: number | null;
  /** candidate - base. */
  delta: number | null;
  /** delta / |base| (±Infinity when base is 0). */
  relative: number | null;
  /** Confidence interval of `delta`, at `options.confidence`. */
  interval: Interval | null;
  /** p-value of the metric's test (rank test for distributions, z-test for rates), when there is one. */
  pValue: number | null;
  /** How the interval and p-value were computed. */
  method: string;
  /** Values each side contributed. */
  samples: { base: number; candidate: number };
  verdict: Verdict;
  /** One sentence: why the verdict. */
  confidenceStatement: string;
}

/** One row and repeat whose verdict differs between the runs. */
export interface VerdictChange {
  rowId: string;
  repeat: number;
  /** `pass→fail`: the row regressed; `fail→pass`: it was fixed. */
  change: 'pass→fail' | 'fail→pass';
  /** The failing side's reason (the candidate's for pass→fail, the base's for fail→pass); '' when it gave none. */
  reason: string;
}

/** One side's assertion counts: `passed` of `checked` (passed + failed + errored; skipped requests left out). */
export interface PassRateSide {
  passed: number;
  checked: number;
  rate: number | null;
}

/** How a matched cell's answers fared in both runs (the `passRate` delta carries the test and the verdict). */
export interface AnswerComparison {
  base: PassRateSide;
  candidate: PassRateSide;
  /** `exact McNemar` when every verdict of both runs pairs by row id and repeat, else `Fisher exact` on the counts. */
  test: 'exact McNemar' | 'Fisher exact' | 'none';
  /** The paired table the McNemar test used; null when the test was not paired. */
  paired: PairedCounts | null;
  /** Row-and-repeat pairs judged in both runs, and how many of them changed verdict either way. */
  pairs: number;
  passToFail: number;
  failToPass: number;
  /** The changed verdicts, pass→fail first, then in the candidate's row order; at most `MAX_VERDICT_CHANGES`. */
  changes: VerdictChange[];
  /** Changed verdicts beyond the list. */
  changesLeftOut: number;
}

/** Changed verdicts kept per cell (the rest are counted): enough for any report, bounded for a huge run. */
export const MAX_VERDICT_CHANGES = 500;

export interface CellRef {
  id: string;
  label: string;
  model: string;
  params: Record<string, unknown>;
  /** The load point the cell ran at, when the summary records it. */
  load?: CellLoad;
}

export interface CellComparison {
  /** The matching key: model, parameters (and load point). */
  key: string;
  label: string;
  base: CellRef;
  candidate: CellRef;
  deltas: MetricDelta[];
  /** Whole-distribution tests of the timings. */
  rankTests: { latency: RankTestResult | null; ttft: RankTestResult | null };
  /** Pass rates and per-row verdict changes, when either run checked assertions in this cell. */
  answers?: AnswerComparison;
}

export interface RunRef {
  dir: string;
  startedAt: string;
  simulated: boolean;
  version: string;
  models: string[];
  seed: number | null;
}

export interface ComparisonResult {
  base: RunRef;
  candidate: RunRef;
  options: ResolvedCompareOptions;
  matched: CellComparison[];
  unmatched: { base: CellRef[]; candidate: CellRef[] };
  regressions: number;
  improvements: number;
  /** True when any metric of any matched cell, the pass rate included, is a regression (a later exit code uses it). */
  hasRegression: boolean;
}
