/**
 * Points of a cumulative distribution (CDF) for a cell's latency or TTFT, read from the cell's
 * HdrHistogram (integer microseconds) when the summary carries it, else approximated from the
 * percentiles in the summary. Pure data: the chart module draws it.
 */
import { decodeHistogram } from '../../metrics/histogram.js';
import type { CellSummary, DistributionSummary } from '../../metrics/types.js';
import { hasSamples, isFiniteNumber } from '../format.js';

export interface CdfPoint {
  /** The cell's label (legend entry). */
  series: string;
  /** Milliseconds. */
  ms: number;
  /** Share of requests at or below `ms`, 0..100. */
  percentile: number;
}

/** Dense in the body, denser still in the tail, where regressions hide. */
export const CDF_PERCENTILES: readonly number[] = [
  ...Array.from({ length: 37 }, (_, i) => i * 2.5), // 0 .. 90
  92.5,
  95,
  96,
  97,
  98,
  99,
  99.5,
  99.9,
  100,
];

export type DistributionMetric = 'latency' | 'ttft';

const SUMMARY_KEYS: Record<DistributionMetric, (cell: CellSummary) => DistributionSummary | undefined> = {
  latency: (cell) => cell.latencyMs,
  ttft: (cell) => cell.ttftMs,
};

export interface CellCdf {
  points: CdfPoint[];
  /** Where the points came from. */
  source: 'histogram' | 'summary' | 'none';
}

function fromHistogram(encoded: string, series: string): CdfPoint[] | undefined {
  try {
    const histogram = decodeHistogram(encoded);
    if (histogram.totalCount === 0) return undefined;
    return CDF_PERCENTILES.map((percentile) => ({
      series,
      ms: histogram.getValueAtPercentile(percentile) / 1000,
      percentile,
    }));
  } catch {
    return undefined; // a damaged histogram falls back to the summary's percentiles
  }
}

function fromSummary(dist: DistributionSummary | undefined, series: string): CdfPoint[] | undefined {
  if (!hasSamples(dist)) return undefined;
  const pairs: Array<[number, number]> = [
    [0, dist.min],
    [50, dist.p50],
    [90, dist.p90],
    [95, dist.p95],
    [99, dist.p99],
    [99.9, dist.p999],
    [100, dist.max],
  ];
  const points = pairs.filter(([, ms]) => isFiniteNumber(ms)).map(([percentile, ms]) => ({ series, ms, percentile }));
  return points.length > 0 ? points : undefined;
}

/** The CDF of one cell's `metric` (ok requests). */
export function cellCdf(cell: CellSummary, metric: DistributionMetric): CellCdf {
  const series = cell.label;
  const encoded = cell.histograms?.[metric];
  if (typeof encoded === 'string' && encoded !== '') {
    const points = fromHistogram(encoded, series);
    if (points !== undefined) return { points, source: 'histogram' };
  }
  const points = fromSummary(SUMMARY_KEYS[metric](cell), series);
  return points !== undefined ? { points, source: 'summary' } : { points: [], source: 'none' };
}
