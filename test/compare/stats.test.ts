import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanDifference,
  bootstrapQuantileDifferences,
  judge,
  mannWhitneyU,
  normalCdf,
  normalQuantile,
  quantileSorted,
  relativeChange,
  Reservoir,
  twoProportionTest,
  wilsonInterval,
} from '../../src/compare/stats.js';
import { seededRandom, type Random } from '../../src/util/random.js';

/** Lognormal samples (median e^mu) by Box-Muller from a seeded generator. */
function lognormal(n: number, seed: number, mu = Math.log(800), sigma = 0.35): Float64Array {
  const random = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(random(), 1e-12);
    const u2 = random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out[i] = Math.exp(mu + sigma * z);
  }
  return out.sort();
}

const scaled = (values: Float64Array, factor: number): Float64Array => values.map((v) => v * factor).sort();

function options(seed: number): { resamples: number; confidence: number; random: Random } {
  return { resamples: 2000, confidence: 0.95, random: seededRandom(seed) };
}

describe('percentile bootstrap and rank test', () => {
  const base = lognormal(500, 11);
  const same = lognormal(500, 22);

  it('calls two samples of one distribution "no significant change" (p50, p95 and the rank test)', () => {
    const [p50, p95] = bootstrapQuantileDifferences(base, same, [0.5, 0.95], options(5));
    for (const estimate of [p50!, p95!]) {
      expect(estimate.interval.low).toBeLessThanOrEqual(estimate.estimate);
      expect(estimate.interval.high).toBeGreaterThanOrEqual(estimate.estimate);
      const verdict = judge('lower-is-better', estimate.interval, relativeChange(estimate.base, estimate.estimate), 0.05);
      expect(verdict).toBe('no significant change');
    }
    const rank = mannWhitneyU(base, same)!;
    expect(rank.pValue).toBeGreaterThanOrEqual(0.05);
    expect(rank.probabilityCandidateGreater).toBeGreaterThan(0.4);
    expect(rank.probabilityCandidateGreater).toBeLessThan(0.6);
  });

  it('calls a candidate 30% slower a significant regression, its interval excluding 0', () => {
    const slower = scaled(same, 1.3);
    const [p50, p95] = bootstrapQuantileDifferences(base, slower, [0.5, 0.95], options(5));
    for (const estimate of [p50!, p95!]) {
      expect(estimate.interval.low).toBeGreaterThan(0);
      const relative = relativeChange(estimate.base, estimate.estimate)!;
      expect(relative).toBeGreaterThan(0.15);
      expect(judge('lower-is-better', estimate.interval, relative, 0.05)).toBe('regression');
    }
    expect(mannWhitneyU(base, slower)!.pValue).toBeLessThan(0.001);
    // The same change read as throughput (higher is better) is an improvement, and "neutral" is just a change.
    expect(judge('higher-is-better', p50!.interval, 0.3, 0.05)).toBe('improvement');
    expect(judge('neutral', p50!.interval, 0.3, 0.05)).toBe('changed');
  });

  it('is deterministic for a seed', () => {
    const a = bootstrapQuantileDifferences(base, same, [0.5, 0.99], options(9));
    const b = bootstrapQuantileDifferences(base, same, [0.5, 0.99], options(9));
    expect(a).toEqual(b);
  });

  it('estimates the difference of means with an interval', () => {
    const result = bootstrapMeanDifference(base, scaled(base, 1.5), options(3));
    expect(result.interval.low).toBeGreaterThan(0);
    expect(result.estimate).toBeCloseTo(result.base * 0.5, 6);
  });
});

describe('verdict rule', () => {
  it('never calls a change beyond the interval but within the tolerance a regression', () => {
    expect(judge('lower-is-better', { low: 1, high: 3 }, 0.02, 0.05)).toBe('no significant change');
    expect(judge('lower-is-better', { low: -1, high: 30 }, 0.4, 0.05)).toBe('no significant change');
    expect(judge('lower-is-better', { low: 1, high: 30 }, 0.4, 0.05)).toBe('regression');
    expect(judge('lower-is-better', { low: -30, high: -1 }, -0.4, 0.05)).toBe('improvement');
    expect(judge('lower-is-better', null, null, 0.05)).toBe('insufficient data');
  });

  it('relative change handles a base of 0', () => {
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(0, 0.1)).toBe(Infinity);
    expect(relativeChange(200, -50)).toBe(-0.25);
    expect(relativeChange(null, 1)).toBeNull();
  });
});

describe('Mann-Whitney U', () => {
  it('matches hand-computed values', () => {
    const separated = mannWhitneyU([1, 2, 3], [4, 5, 6])!;
    expect(separated.u).toBe(9);
    expect(separated.probabilityCandidateGreater).toBe(1);
    const tied = mannWhitneyU([1, 2, 2], [2, 3])!;
    // Candidate 2 beats 1, ties two 2s (0.5 each); candidate 3 beats all three: 1 + 1 + 3 = 5.
    expect(tied.u).toBe(5);
    const identical = mannWhitneyU([5, 5, 5], [5, 5])!;
    expect(identical.pValue).toBe(1);
    expect(mannWhitneyU([], [1])).toBeUndefined();
  });
});

describe('error-rate test', () => {
  it('finds no difference between equal rates', () => {
    const test = twoProportionTest(5, 100, 5, 100, 0.95)!;
    expect(test.difference).toBe(0);
    expect(test.pValue).toBeCloseTo(1, 6);
    expect(test.interval.low).toBeLessThan(0);
    expect(test.interval.high).toBeGreaterThan(0);
    expect(judge('lower-is-better', test.interval, relativeChange(test.base, test.difference), 0.05)).toBe('no significant change');
  });

  it('flags a clear rise in errors, interval excluding 0', () => {
    const test = twoProportionTest(2, 200, 30, 200, 0.95)!;
    expect(test.pValue).toBeLessThan(0.001);
    expect(test.interval.low).toBeGreaterThan(0);
    expect(judge('lower-is-better', test.interval, relativeChange(test.base, test.difference), 0.05)).toBe('regression');
  });

  it('stays calm about zero errors on both sides and about a single error', () => {
    const none = twoProportionTest(0, 50, 0, 50, 0.95)!;
    expect(none.pValue).toBe(1);
    expect(none.interval.low).toBeLessThan(0);
    expect(none.interval.high).toBeGreaterThan(0);
    const one = twoProportionTest(0, 50, 1, 50, 0.95)!;
    expect(one.interval.low).toBeLessThan(0);
    expect(judge('lower-is-better', one.interval, relativeChange(one.base, one.difference), 0.05)).toBe('no significant change');
    expect(twoProportionTest(0, 0, 1, 10, 0.95)).toBeUndefined();
  });

  it('has textbook Wilson intervals', () => {
    const zero = wilsonInterval(0, 10, 0.95);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 3);
    const half = wilsonInterval(50, 100, 0.95);
    expect(half.low).toBeCloseTo(0.4038, 3);
    expect(half.high).toBeCloseTo(0.5962, 3);
  });
});

describe('helpers', () => {
  it('normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
  });

  it('quantiles interpolate between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10], 0.99)).toBe(10);
    expect(quantileSorted([1, 2, 3, 4, 5], 1)).toBe(5);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
  });

  it('reservoir keeps a bounded, uniform sample', () => {
    const reservoir = new Reservoir(500, seededRandom(1));
    for (let i = 0; i < 100_000; i++) reservoir.add(i);
    const sample = reservoir.sorted();
    expect(sample.length).toBe(500);
    expect(reservoir.seen).toBe(100_000);
    const median = quantileSorted(sample, 0.5);
    expect(median).toBeGreaterThan(40_000);
    expect(median).toBeLessThan(60_000);
  });
});
