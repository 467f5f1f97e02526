/**
 * Exact tests for pass rates, where counts are small (a handful of dataset rows) and a normal
 * approximation would be wrong:
 * - the exact McNemar test: paired verdicts (same row and repeat in both runs), on the discordant
 *   pairs only, which under "no change" split like a fair coin;
 * - Fisher's exact test of a 2x2 table (two-sided: every table with the observed margins that is
 *   at most as likely as the observed one);
 * - Newcombe's score interval of a difference of paired proportions (his method 10), the paired
 *   counterpart of the hybrid score interval in stats.ts.
 */
import { wilsonInterval, type Interval } from './stats.js';

const EXACT_UP_TO = 256;
const LOG_FACTORIALS: Float64Array = (() => {
  const table = new Float64Array(EXACT_UP_TO + 1);
  for (let n = 2; n <= EXACT_UP_TO; n++) table[n] = table[n - 1]! + Math.log(n);
  return table;
})();

/** ln(n!): summed exactly up to 256, Stirling's series beyond (error below 1e-16 there). */
export function logFactorial(n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`logFactorial: n must be a whole number of 0 or more, got ${n}`);
  if (n <= EXACT_UP_TO) return LOG_FACTORIALS[n]!;
  const n2 = n * n;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n * n2) + 1 / (1260 * n * n2 * n2);
}

export function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

// Probabilities this close to the observed one count as equal (rounding in the log sums).
const RELATIVE_EQUAL = 1e-7;

/**
 * Exact McNemar test: `passToFail` and `failToPass` discordant pairs; two-sided p =
 * min(1, 2 * P(X <= min) ) for X ~ Binomial(passToFail + failToPass, 1/2). 1 when no pair is discordant.
 */
export function mcnemarExact(passToFail: number, failToPass: number): number {
  const n = passToFail + failToPass;
  if (n === 0) return 1;
  const low = Math.min(passToFail, failToPass);
  let tail = 0;
  for (let k = 0; k <= low; k++) tail += Math.exp(logChoose(n, k) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** The smallest p an exact McNemar test can give with `discordant` pairs (all of them one way). */
export function mcnemarFloor(discordant: number): number {
  return discordant === 0 ? 1 : Math.min(1, 2 * Math.exp(-discordant * Math.LN2));
}

/**
 * Two-sided Fisher exact test of "both sides have the same pass rate": `basePassed` of
 * `baseTrials` against `candidatePassed` of `candidateTrials`. Sums the hypergeometric
 * probabilities of every table with the same margins that is no more likely than the observed one.
 */
export function fisherExact(basePassed: number, baseTrials: number, candidatePassed: number, candidateTrials: number): number {
  const total = baseTrials + candidateTrials;
  const passed = basePassed + candidatePassed;
  if (baseTrials === 0 || candidateTrials === 0 || passed === 0 || passed === total) return 1;
  const logDenominator = logChoose(total, baseTrials);
  const logP = (k: number): number => logChoose(passed, k) + logChoose(total - passed, baseTrials - k) - logDenominator;
  const observed = logP(basePassed);
  const threshold = observed + Math.log1p(RELATIVE_EQUAL);
  let p = 0;
  for (let k = Math.max(0, baseTrials - (total - passed)); k <= Math.min(passed, baseTrials); k++) {
    const lp = logP(k);
    if (lp <= threshold) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** A paired 2x2 table of verdicts: each pair is one row and repeat judged in both runs. */
export interface PairedCounts {
  bothPass: number;
  passToFail: number;
  failToPass: number;
  bothFail: number;
}

/**
 * Newcombe's interval (1998, method 10) of `candidate rate - base rate` for paired verdicts: the
 * Wilson intervals of both rates, combined with the phi correlation of the pairs (continuity-
 * corrected when positive) instead of the independence the unpaired interval assumes.
 */
export function pairedDifferenceInterval(counts: PairedCounts, confidence: number): Interval {
  const { bothPass: a, passToFail: b, failToPass: c, bothFail: d } = counts;
  const n = a + b + c + d;
  if (n === 0) return { low: -1, high: 1 };
  const pBase = (a + b) / n;
  const pCandidate = (a + c) / n;
  const wBase = wilsonInterval(a + b, n, confidence);
  const wCandidate = wilsonInterval(a + c, n, confidence);
  const denominator = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  const cross = a * d - b * c;
  const numerator = cross > 0 ? Math.max(cross - n / 2, 0) : cross;
  const phi = denominator > 0 ? numerator / denominator : 0;
  const difference = pCandidate - pBase;
  const spread = (x: number, y: number): number => Math.sqrt(Math.max(0, x * x - 2 * phi * x * y + y * y));
  return {
    low: Math.max(-1, difference - spread(pCandidate - wCandidate.low, wBase.high - pBase)),
    high: Math.min(1, difference + spread(wCandidate.high - pCandidate, pBase - wBase.low)),
  };
}
