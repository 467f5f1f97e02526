/** The shape of a comparison of two runs (what `compareRuns` returns). */
import type { CellLoad } from '../metrics/types.js';
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
  /** True when any metric of any matched cell is a regression (a later exit code uses it). */
  hasRegression: boolean;
}
