/**
 * Small helpers shared by the report writers: number formatting and the error / throttle rates
 * every output (CSV, HTML, terminal) must compute the same way.
 */
import type { CellSummary, DistributionSummary } from '../metrics/types.js';

/** True for a real, finite number (undefined, null, NaN and ±Infinity are "no value"). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `value` with `digits` decimals, or `empty` when there is no value. */
export function fixed(value: number | null | undefined, digits: number, empty = ''): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : empty;
}

/** True when the distribution holds at least one sample (its percentiles mean something). */
export function hasSamples(dist: DistributionSummary | undefined): dist is DistributionSummary {
  return dist !== undefined && isFiniteNumber(dist.count) && dist.count > 0;
}

/** A percentile or other statistic of a distribution, undefined when it holds no samples. */
export function stat(dist: DistributionSummary | undefined, key: keyof DistributionSummary): number | undefined {
  if (!hasSamples(dist)) return undefined;
  const value = dist[key];
  return isFiniteNumber(value) ? value : undefined;
}

export interface CellRates {
  /** `failed + timeout`: requests that reached the server (or tried to) and did not succeed. */
  errors: number;
  /**
   * Requests that ran to a conclusion: `ok + failed + throttled + timeout`. Cancelled and dropped
   * requests never got an answer, so they count neither for nor against the error rate.
   */
  concluded: number;
  /** `errors / concluded`, undefined when nothing concluded. */
  errorRate: number | undefined;
  /** `throttled / concluded` (throttling is reported apart from errors), undefined when nothing concluded. */
  throttledRate: number | undefined;
}

export function cellRates(cell: CellSummary): CellRates {
  const o = cell.outcomes;
  const count = (n: number | undefined): number => (isFiniteNumber(n) ? n : 0);
  const errors = count(o.failed) + count(o.timeout);
  const concluded = count(o.ok) + errors + count(o.throttled);
  return {
    errors,
    concluded,
    errorRate: concluded > 0 ? errors / concluded : undefined,
    throttledRate: concluded > 0 ? count(o.throttled) / concluded : undefined,
  };
}

/** A CNY amount with sensible precision (3 significant digits below 1 yuan); never for unknown costs. */
export function formatCny(value: number): string {
  return value >= 100 ? value.toFixed(2) : value >= 1 ? value.toFixed(3) : value.toPrecision(3);
}
