import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, mergeHistograms, recordMs, summarise } from '../../src/metrics/histogram.js';

describe('histograms in integer microseconds', () => {
  it('gives percentiles within 3 significant digits, keeping sub-millisecond detail', () => {
    const histogram = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(histogram, i * 0.5); // 0.5 ms .. 500 ms
    const summary = summarise(histogram);
    expect(summary.count).toBe(1000);
    expect(summary.min).toBeCloseTo(0.5, 3);
    expect(summary.p50).toBeCloseTo(250, -0.5);
    expect(Math.abs(summary.p99 - 495) / 495).toBeLessThan(0.001);
    expect(Math.abs(summary.max - 500) / 500).toBeLessThan(0.001);
    expect(summary.mean).toBeCloseTo(250.25, 0);
  });

  it('keeps a recorded zero as the minimum', () => {
    const histogram = createHistogram();
    recordMs(histogram, 0);
    recordMs(histogram, 10);
    expect(summarise(histogram).min).toBe(0);
  });

  it('round-trips through compressed base64 and merges by adding', () => {
    const a = createHistogram();
    const b = createHistogram();
    for (let i = 0; i < 100; i++) recordMs(a, 10);
    for (let i = 0; i < 100; i++) recordMs(b, 1000);
    const decoded = decodeHistogram(encodeHistogram(a));
    expect(summarise(decoded)).toEqual(summarise(a));
    const merged = mergeHistograms([decoded, b]);
    expect(merged.totalCount).toBe(200);
    expect(summarise(merged).p50).toBeCloseTo(10, 1);
    expect(summarise(merged).p90).toBeCloseTo(1000, -1);
  });

  it('reports an empty histogram as zero samples', () => {
    expect(summarise(createHistogram())).toMatchObject({ count: 0, p50: 0 });
  });
});
