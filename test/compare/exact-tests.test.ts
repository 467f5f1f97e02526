/**
 * The exact tests against reference values: small ones worked by hand (stated beside each), large
 * ones against the same sums done in exact integer arithmetic (BigInt), a method independent of the
 * log-factorial code under test.
 */
import { describe, expect, it } from 'vitest';
import { fisherExact, logFactorial, mcnemarExact, mcnemarFloor, pairedDifferenceInterval } from '../../src/compare/exact-tests.js';
import { twoProportionTest, wilsonInterval } from '../../src/compare/stats.js';

function choose(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

/** num / den as a float, exactly enough for 15 digits. */
function ratio(num: bigint, den: bigint): number {
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}

/** Exact McNemar by integers: 2 * sum_{k <= min} C(n, k) / 2^n. */
function mcnemarReference(b: number, c: number): number {
  const n = b + c;
  let tail = 0n;
  for (let k = 0; k <= Math.min(b, c); k++) tail += choose(n, k);
  return Math.min(1, ratio(2n * tail, 2n ** BigInt(n)));
}

/** Fisher two-sided by integers: the tables no more likely than the observed one. */
function fisherReference(x1: number, n1: number, x2: number, n2: number): number {
  const total = n1 + n2;
  const passed = x1 + x2;
  const weight = (k: number): bigint => choose(passed, k) * choose(total - passed, n1 - k);
  const observed = weight(x1);
  let sum = 0n;
  for (let k = Math.max(0, n1 - (total - passed)); k <= Math.min(passed, n1); k++) if (weight(k) <= observed) sum += weight(k);
  return ratio(sum, choose(total, n1));
}

describe('logFactorial', () => {
  it('is exact for small n and follows the log sum beyond the table', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 12);
    for (const n of [257, 300, 1000, 5000]) {
      let sum = 0;
      for (let i = 2; i <= n; i++) sum += Math.log(i);
      expect(Math.abs(logFactorial(n) - sum) / sum).toBeLessThan(1e-12);
    }
  });
});

describe('exact McNemar test', () => {
  it('matches hand-worked values', () => {
    // 6 rows all pass→fail: 2 * (1/2)^6 = 0.03125; 5 of them: 2/32 = 0.0625.
    expect(mcnemarExact(6, 0)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(0, 6)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(5, 0)).toBeCloseTo(0.0625, 12);
    // 5 and 1: 2 * (C(6,0) + C(6,1)) / 64 = 14/64 = 0.21875.
    expect(mcnemarExact(5, 1)).toBeCloseTo(0.21875, 12);
    // 10 and 2: 2 * (1 + 12 + 66) / 4096 = 158/4096 = 0.03857421875.
    expect(mcnemarExact(10, 2)).toBeCloseTo(0.03857421875, 12);
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it('matches exact integer sums for many pairs', () => {
    for (const [b, c] of [
      [60, 40],
      [330, 270],
      [20, 1],
    ] as const) {
      const reference = mcnemarReference(b, c);
      expect(Math.abs(mcnemarExact(b, c) - reference) / reference).toBeLessThan(1e-9);
    }
  });

  it('knows how few changed verdicts can never be significant', () => {
    expect(mcnemarFloor(5)).toBeCloseTo(0.0625, 12);
    expect(mcnemarFloor(6)).toBeCloseTo(0.03125, 12);
    expect(mcnemarFloor(0)).toBe(1);
  });
});

describe('Fisher exact test (two-sided)', () => {
  it('matches hand-worked values', () => {
    // Fisher's tea tasting, 3 of 4 vs 1 of 4: tables weigh 1, 16, 36, 16, 1 (of 70); p = 34/70.
    expect(fisherExact(3, 4, 1, 4)).toBeCloseTo(34 / 70, 12);
    // 5 of 5 vs 0 of 5: only the two extreme tables, 2 / C(10,5) = 2/252.
    expect(fisherExact(5, 5, 0, 5)).toBeCloseTo(2 / 252, 12);
    // 6 of 6 vs 0 of 6: 2 / C(12,6) = 2/924.
    expect(fisherExact(6, 6, 0, 6)).toBeCloseTo(2 / 924, 12);
    // 7 of 10 vs 2 of 10: weights C(9,k) C(11,10-k) = 11, 495, 5940, 27720, 58212, 58212, 27720, 5940, 495, 11 (of 184756);
    // those at most 5940: 12892 / 184756.
    expect(fisherExact(7, 10, 2, 10)).toBeCloseTo(12892 / 184756, 12);
    expect(fisherExact(4, 8, 4, 8)).toBe(1);
    expect(fisherExact(0, 5, 0, 7)).toBe(1);
    expect(fisherExact(0, 0, 3, 4)).toBe(1);
  });

  it('matches exact integer sums on large tables, either way round', () => {
    for (const [x1, n1, x2, n2] of [
      [300, 400, 250, 400],
      [990, 1000, 960, 1000],
      [12, 40, 3, 25],
    ] as const) {
      const reference = fisherReference(x1, n1, x2, n2);
      expect(Math.abs(fisherExact(x1, n1, x2, n2) - reference) / reference).toBeLessThan(1e-8);
      expect(Math.abs(fisherExact(x2, n2, x1, n1) - reference) / reference).toBeLessThan(1e-8);
    }
  });
});

describe('Newcombe paired interval', () => {
  it('is the unpaired hybrid score interval when the pairs are uncorrelated', () => {
    // a = b = c = d = 5: ad - bc = 0, so phi = 0; both rates 10 of 20.
    const paired = pairedDifferenceInterval({ bothPass: 5, passToFail: 5, failToPass: 5, bothFail: 5 }, 0.95);
    const unpaired = twoProportionTest(10, 20, 10, 20, 0.95)!.interval;
    expect(paired.low).toBeCloseTo(unpaired.low, 12);
    expect(paired.high).toBeCloseTo(unpaired.high, 12);
  });

  it('gives [-1, -0.448] for 6 of 6 passing before and none after (worked by hand)', () => {
    // No pair both passes or both fails, phi = 0; Wilson upper bound of 0/6 is z²/(6 + z²) = 0.39033, and
    // high = -1 + sqrt(2) * 0.39033 = -0.44798.
    const interval = pairedDifferenceInterval({ bothPass: 0, passToFail: 6, failToPass: 0, bothFail: 0 }, 0.95);
    expect(interval.low).toBe(-1);
    expect(interval.high).toBeCloseTo(-1 + Math.SQRT2 * wilsonInterval(0, 6, 0.95).high, 12);
    expect(interval.high).toBeCloseTo(-0.44798, 4);
  });

  it('is narrower than the unpaired interval when verdicts agree across runs, and holds the estimate', () => {
    const counts = { bothPass: 40, passToFail: 2, failToPass: 8, bothFail: 50 };
    const paired = pairedDifferenceInterval(counts, 0.95);
    const unpaired = twoProportionTest(42, 100, 48, 100, 0.95)!.interval;
    const estimate = (8 - 2) / 100;
    expect(paired.low).toBeLessThan(estimate);
    expect(paired.high).toBeGreaterThan(estimate);
    expect(paired.high - paired.low).toBeLessThan(unpaired.high - unpaired.low);
    expect(paired.low).toBeGreaterThanOrEqual(-1);
    expect(paired.high).toBeLessThanOrEqual(1);
  });
});
