/**
 * Figures every reader of a cell summary must compute the same way (reports, comparisons,
 * thresholds): the error and throttle rates of metrics.md, which distributions hold samples, and
 * a cell's parameters as one stable string.
 */
import type { CellSummary, DistributionSummary } from './types.js';

/** True for a real, finite number (undefined, null, NaN and ±Infinity are "no value"). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
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

/** A reasoning model's cell (metrics definition 2): it has a time to first reasoning token or reasoning tokens to show. */
export function hasReasoning(cell: CellSummary): boolean {
  return cell.ttfrtMs !== undefined || cell.tokens.reasoning !== undefined;
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
  const errors = o.failed + o.timeout;
  const concluded = o.ok + errors + o.throttled;
  return {
    errors,
    concluded,
    errorRate: concluded > 0 ? errors / concluded : undefined,
    throttledRate: concluded > 0 ? o.throttled / concluded : undefined,
  };
}

function sortedEntries(params: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parameters as one stable string (keys sorted): equal parameter sets give equal strings. */
export function stableParams(params: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(sortedEntries(params)));
}

/** `key=value` pairs of a parameter set, sorted, for labels. */
export function paramsLabel(params: Record<string, unknown>): string {
  return sortedEntries(params)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** Ok requests of these cells. */
export function okCount(cells: readonly CellSummary[]): number {
  return cells.reduce((sum, cell) => sum + cell.outcomes.ok, 0);
}
