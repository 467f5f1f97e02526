/**
 * HdrHistogram helpers. Times are recorded in integer microseconds with 3 significant digits
 * (HdrHistogram stores integers: recording float milliseconds would lose everything below 1 ms).
 */
import * as hdr from 'hdr-histogram-js';
import type { DistributionSummary } from './types.js';
import { round3 } from '../util/round.js';

export type Histogram = hdr.Histogram;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/**
 * The largest value recorded. Far above any real time (2^40 us is 12.7 days) or token count, and
 * small enough that the packed histogram stays a few kilobytes; it throws past 2^53 - 1.
 */
export const MAX_RECORDABLE = 2 ** 40;

/**
 * Records a value, or returns false for one a histogram cannot hold (negative, not finite, above
 * MAX_RECORDABLE). Never throws: one absurd figure must not end a run inside its metrics.
 */
function recordSafely(histogram: Histogram, value: number): boolean {
  if (!Number.isFinite(value) || value < 0 || value > MAX_RECORDABLE) return false;
  try {
    histogram.recordValue(Math.round(value));
    return true;
  } catch {
    return false;
  }
}

export function recordMs(histogram: Histogram, ms: number): boolean {
  return recordSafely(histogram, ms * 1000);
}

export function recordCount(histogram: Histogram, count: number): boolean {
  return recordSafely(histogram, count);
}

const EMPTY: DistributionSummary = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** Summary of a histogram; `scale` converts recorded units (1000: microseconds to milliseconds). */
export function summarise(histogram: Histogram, scale = 1000): DistributionSummary {
  if (histogram.totalCount === 0) return { ...EMPTY };
  const at = (percentile: number): number => round3(histogram.getValueAtPercentile(percentile) / scale);
  return {
    count: histogram.totalCount,
    // Percentile 0 is the lowest recorded value, zero included (minNonZeroValue skips zeros).
    min: at(0),
    mean: round3(histogram.mean / scale),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // Read like the percentiles (highest equivalent value) so a decoded histogram reports the same max.
    max: at(100),
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 'packed', false);
}

/** Adds histograms (the only correct way to combine percentiles across cells, shards or machines). */
export function mergeHistograms(histograms: Histogram[]): Histogram {
  const merged = createHistogram();
  for (const histogram of histograms) merged.add(histogram);
  return merged;
}
