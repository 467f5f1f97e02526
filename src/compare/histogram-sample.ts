/**
 * A sample of a cell's distribution read back from its summary histogram (hdr-histogram-js
 * compressed base64, integer microseconds for times, plain counts for tokens). The summary keeps
 * no per-request values, but its histogram holds every value to 3 significant digits, so reading
 * the value at evenly spaced ranks gives back the recorded values (up to `cap` of them, spread
 * over the whole distribution) for the bootstrap of compare/stats.ts.
 */
import * as hdr from 'hdr-histogram-js';

/** Values kept per series: enough for stable intervals, bounded bootstrap time. */
export const HISTOGRAM_SAMPLE_CAP = 2000;

/** Each distinct recorded value (its bucket's highest equivalent value, as the summary's percentiles read it) and its count. */
function recordedValues(encoded: string): { values: number[]; counts: number[]; total: number } | undefined {
  let histogram: hdr.Histogram;
  try {
    // Plain 32-bit counts: reading a packed histogram value by value is far slower.
    histogram = hdr.decodeFromCompressedBase64(encoded, 32, false);
  } catch {
    return undefined;
  }
  if (!(histogram instanceof hdr.JsHistogram)) return undefined;
  const values: number[] = [];
  const counts: number[] = [];
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    values.push(step.valueIteratedTo);
    counts.push(step.countAtValueIteratedTo);
  }
  return { values, counts, total: histogram.totalCount };
}

/**
 * The sorted sample of an encoded histogram divided by `scale` (1000: microseconds to ms), or an
 * empty array when the histogram is absent, empty or unreadable.
 */
export function histogramSample(encoded: string | undefined, scale: number, cap = HISTOGRAM_SAMPLE_CAP): Float64Array {
  if (encoded === undefined || encoded === '') return new Float64Array(0);
  const recorded = recordedValues(encoded);
  if (recorded === undefined || recorded.total === 0) return new Float64Array(0);
  const size = Math.min(recorded.total, cap);
  const sample = new Float64Array(size);
  // Rank i of `size` sits at the middle of its share of the distribution; one pass, as the ranks ascend.
  let bucket = 0;
  let cumulative = recorded.counts[0] ?? 0;
  for (let i = 0; i < size; i++) {
    const rank = ((i + 0.5) * recorded.total) / size;
    while (cumulative < rank && bucket < recorded.values.length - 1) {
      bucket += 1;
      cumulative += recorded.counts[bucket]!;
    }
    sample[i] = recorded.values[bucket]! / scale;
  }
  return sample;
}
