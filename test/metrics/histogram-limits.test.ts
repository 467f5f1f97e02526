import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, MAX_RECORDABLE, recordCount, recordMs, summarise } from '../../src/metrics/histogram.js';

describe('recording a value a histogram cannot hold', () => {
  it('refuses it (false) instead of throwing, and keeps the histogram usable', () => {
    const histogram = createHistogram();
    expect(recordCount(histogram, 5)).toBe(true);
    // 2^53 used to throw out of hdr-histogram-js ("beyond virtualLength") and end the run.
    for (const absurd of [2 ** 53, 2 ** 53 - 1, 1e300, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_RECORDABLE + 1]) {
      expect(() => recordCount(histogram, absurd)).not.toThrow();
      expect(recordCount(histogram, absurd)).toBe(false);
    }
    expect(recordMs(histogram, 1e300)).toBe(false);
    expect(recordMs(histogram, -0.5)).toBe(false);
    expect(recordCount(histogram, MAX_RECORDABLE)).toBe(true);
    const summary = summarise(histogram, 1);
    expect(summary.count).toBe(2);
    expect(summary.min).toBe(5);
    expect(() => encodeHistogram(histogram)).not.toThrow();
  });
});
