/**
 * Statistics for comparing two runs, small and dependency-free:
 * - reservoir sampling, so a huge requests.csv is summarised in bounded memory;
 * - seeded percentile-bootstrap confidence intervals for a difference of quantiles or means;
 * - the Mann-Whitney U rank test (normal approximation with tie and continuity corrections);
 * - a two-proportion z-test with Newcombe's hybrid score interval for a difference of rates;
 * - the rule that turns an interval into a verdict, so noise is never called a regression.
 *
 * Every random draw comes from a seeded generator: the same inputs give the same answer.
 */
import type { Random } from '../util/random.js';

export interface Interval {
  low: number;
  high: number;
}

/** Uniform random sample of at most `capacity` values from a stream (Vitter's algorithm R). */
export class Reservoir {
  private readonly items: number[] = [];
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly random: Random,
  ) {}

  add(value: number): void {
    this.count += 1;
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return;
    }
    const slot = Math.floor(this.random() * this.count);
    if (slot < this.capacity) this.items[slot] = value;
  }

  /** Values offered so far (the sample holds min(seen, capacity) of them). */
  get seen(): number {
    return this.count;
  }

  /** The sample, sorted ascending (a copy). */
  sorted(): Float64Array {
    return Float64Array.from(this.items).sort();
  }
}

/** Quantile `q` (0..1) of an ascending sample, linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/**
 * Quantiles of one bootstrap resample of a sorted sample, without sorting the resample: draw n
 * indices, count how often each is drawn, and read the order statistics off the running count.
 */
class QuantileResampler {
  private readonly counts: Uint32Array;
  private readonly ranks: number[];

  constructor(
    private readonly sorted: Float64Array,
    private readonly qs: readonly number[],
  ) {
    this.counts = new Uint32Array(sorted.length);
    const n = sorted.length;
    const needed = new Set<number>();
    for (const q of qs) {
      const lo = Math.floor((n - 1) * q);
      needed.add(lo);
      needed.add(Math.min(lo + 1, n - 1));
    }
    this.ranks = [...needed].sort((a, b) => a - b);
  }

  draw(random: Random): number[] {
    const { sorted, counts } = this;
    const n = sorted.length;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]! += 1;
    const valueAtRank = new Map<number, number>();
    let next = 0;
    let cumulative = 0;
    for (let i = 0; i < n && next < this.ranks.length; i++) {
      cumulative += counts[i]!;
      while (next < this.ranks.length && cumulative > this.ranks[next]!) {
        valueAtRank.set(this.ranks[next]!, sorted[i]!);
        next += 1;
      }
    }
    return this.qs.map((q) => {
      const h = (n - 1) * q;
      const lo = Math.floor(h);
      const a = valueAtRank.get(lo)!;
      const b = valueAtRank.get(Math.min(lo + 1, n - 1))!;
      return a + (h - lo) * (b - a);
    });
  }
}

export interface BootstrapOptions {
  resamples: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
  random: Random;
}

export interface DifferenceEstimate {
  /** candidate - base, on the samples. */
  estimate: number;
  base: number;
  candidate: number;
  /** Percentile-bootstrap interval of the difference. */
  interval: Interval;
}

function percentileInterval(draws: Float64Array, confidence: number): Interval {
  draws.sort();
  const alpha = 1 - confidence;
  return { low: quantileSorted(draws, alpha / 2), high: quantileSorted(draws, 1 - alpha / 2) };
}

/**
 * Bootstrap intervals for `quantile(candidate, q) - quantile(base, q)` for each q, resampling
 * each side independently (one resample serves every q). Both samples must be sorted and non-empty.
 */
export function bootstrapQuantileDifferences(
  base: Float64Array,
  candidate: Float64Array,
  qs: readonly number[],
  options: BootstrapOptions,
): DifferenceEstimate[] {
  const baseResampler = new QuantileResampler(base, qs);
  const candidateResampler = new QuantileResampler(candidate, qs);
  const draws = qs.map(() => new Float64Array(options.resamples));
  for (let r = 0; r < options.resamples; r++) {
    const b = baseResampler.draw(options.random);
    const c = candidateResampler.draw(options.random);
    for (let k = 0; k < qs.length; k++) draws[k]![r] = c[k]! - b[k]!;
  }
  return qs.map((q, k) => {
    const baseValue = quantileSorted(base, q);
    const candidateValue = quantileSorted(candidate, q);
    return {
      estimate: candidateValue - baseValue,
      base: baseValue,
      candidate: candidateValue,
      interval: percentileInterval(draws[k]!, options.confidence),
    };
  });
}

/** Mean of a resample with replacement. */
export function resampleMean(values: ArrayLike<number>, random: Random): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)]!;
  return sum / n;
}

/** Bootstrap interval for `mean(candidate) - mean(base)`. Both samples non-empty. */
export function bootstrapMeanDifference(base: ArrayLike<number>, candidate: ArrayLike<number>, options: BootstrapOptions): DifferenceEstimate {
  const draws = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    draws[r] = resampleMean(candidate, options.random) - resampleMean(base, options.random);
  }
  const baseValue = mean(base);
  const candidateValue = mean(candidate);
  return { estimate: candidateValue - baseValue, base: baseValue, candidate: candidateValue, interval: percentileInterval(draws, options.confidence) };
}

/**
 * Bootstrap interval of a difference of two statistics given as draw functions: each call of a
 * draw function returns the statistic on one resample. `base` and `candidate` are the observed
 * values.
 */
export function bootstrapDifference(
  base: number,
  candidate: number,
  drawBase: () => number,
  drawCandidate: () => number,
  options: Omit<BootstrapOptions, 'random'>,
): DifferenceEstimate {
  const draws = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) draws[r] = drawCandidate() - drawBase();
  return { estimate: candidate - base, base, candidate, interval: percentileInterval(draws, options.confidence) };
}

// ---------------------------------------------------------------------------------------------
// Normal distribution

/** Complementary error function (Chebyshev fit, fractional error below 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  if (z === 0) return 1;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error ~1e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U

export interface RankTestResult {
  /** U of the candidate: pairs where candidate > base, ties counted half. */
  u: number;
  z: number;
  /** Two-sided p-value (normal approximation, tie-corrected, continuity-corrected). */
  pValue: number;
  /** U / (n_base * n_candidate): the chance a random candidate value exceeds a random base value. */
  probabilityCandidateGreater: number;
  nBase: number;
  nCandidate: number;
}

/** Mann-Whitney U test of "both samples come from the same distribution". Undefined when a side is empty. */
export function mannWhitneyU(base: ArrayLike<number>, candidate: ArrayLike<number>): RankTestResult | undefined {
  const n1 = base.length;
  const n2 = candidate.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const n = n1 + n2;
  const values = new Float64Array(n);
  for (let i = 0; i < n1; i++) values[i] = base[i]!;
  for (let i = 0; i < n2; i++) values[n1 + i] = candidate[i]!;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  let candidateRankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j += 1;
    const averageRank = (i + 1 + j) / 2; // ranks i+1 .. j
    const ties = j - i;
    if (ties > 1) tieTerm += ties ** 3 - ties;
    for (let k = i; k < j; k++) if (order[k]! >= n1) candidateRankSum += averageRank;
    i = j;
  }
  const u = candidateRankSum - (n2 * (n2 + 1)) / 2;
  const expected = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  let z = 0;
  if (variance > 0) {
    const diff = u - expected;
    const corrected = Math.abs(diff) <= 0.5 ? 0 : diff - 0.5 * Math.sign(diff);
    z = corrected / Math.sqrt(variance);
  }
  return { u, z, pValue: twoSidedP(z), probabilityCandidateGreater: u / (n1 * n2), nBase: n1, nCandidate: n2 };
}

// ---------------------------------------------------------------------------------------------
// Two proportions

/** Wilson score interval of a proportion. */
export function wilsonInterval(successes: number, trials: number, confidence: number): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / (1 + z2n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface ProportionTestResult {
  base: number;
  candidate: number;
  /** candidate - base. */
  difference: number;
  /** Newcombe's hybrid score interval of the difference (good with small counts and zero rates). */
  interval: Interval;
  z: number;
  /** Two-sided p-value of the pooled two-proportion z-test. */
  pValue: number;
}

export function twoProportionTest(
  baseHits: number,
  baseTrials: number,
  candidateHits: number,
  candidateTrials: number,
  confidence: number,
): ProportionTestResult | undefined {
  if (baseTrials <= 0 || candidateTrials <= 0) return undefined;
  const p1 = baseHits / baseTrials;
  const p2 = candidateHits / candidateTrials;
  const w1 = wilsonInterval(baseHits, baseTrials, confidence);
  const w2 = wilsonInterval(candidateHits, candidateTrials, confidence);
  const difference = p2 - p1;
  const interval = {
    low: difference - Math.sqrt((p2 - w2.low) ** 2 + (w1.high - p1) ** 2),
    high: difference + Math.sqrt((w2.high - p2) ** 2 + (p1 - w1.low) ** 2),
  };
  const pooled = (baseHits + candidateHits) / (baseTrials + candidateTrials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baseTrials + 1 / candidateTrials));
  const z = se > 0 ? difference / se : 0;
  return { base: p1, candidate: p2, difference, interval, z, pValue: twoSidedP(z) };
}

// ---------------------------------------------------------------------------------------------
// Verdicts

export type Direction = 'lower-is-better' | 'higher-is-better' | 'neutral';

export type Verdict = 'regression' | 'improvement' | 'changed' | 'no significant change' | 'insufficient data' | 'not tested';

/** (delta / |base|); ±Infinity when the base is 0 and the delta is not; null when unknown. */
export function relativeChange(base: number | null, delta: number | null): number | null {
  if (base === null || delta === null || !Number.isFinite(base) || !Number.isFinite(delta)) return null;
  if (base === 0) return delta === 0 ? 0 : delta > 0 ? Infinity : -Infinity;
  return delta / Math.abs(base);
}

/** True when the interval lies wholly on one side of 0. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

/**
 * A change counts only when its confidence interval excludes 0 AND its relative size is beyond
 * the tolerance; anything else is "no significant change", so noise is never a regression.
 */
export function judge(direction: Direction, interval: Interval | null, relative: number | null, tolerance: number): Verdict {
  if (interval === null || relative === null) return 'insufficient data';
  if (!excludesZero(interval) || !(Math.abs(relative) > tolerance)) return 'no significant change';
  if (direction === 'neutral') return 'changed';
  const increased = interval.low > 0;
  const worse = direction === 'lower-is-better' ? increased : !increased;
  return worse ? 'regression' : 'improvement';
}
