/**
 * The answers of one matched cell: its assertion pass rate in both runs, tested exactly, and the
 * rows whose verdict changed.
 * - Paired (every verdict of both runs pairs by row id and repeat, and the pairs add up to the
 *   summaries' counts): exact McNemar test on the discordant pairs, Newcombe's paired interval.
 * - Otherwise (datasets differ, a run was cut short): two-sided Fisher exact test on the counts,
 *   Newcombe's hybrid score interval.
 * The verdict follows the timing rule with the test in place of the interval: a change is a
 * regression or an improvement only when p < 1 - confidence (the level the intervals use) AND its
 * relative size is beyond the tolerance.
 */
import type { CellSummary } from '../metrics/types.js';
import { fisherExact, mcnemarExact, mcnemarFloor, pairedDifferenceInterval, type PairedCounts } from './exact-tests.js';
import { formatPEquals, formatRelative } from './format.js';
import type { CellVerdicts } from './samples.js';
import { relativeChange, twoProportionTest, type Interval, type Verdict } from './stats.js';
import { MAX_VERDICT_CHANGES, type AnswerComparison, type MetricDelta, type PassRateSide, type ResolvedCompareOptions, type VerdictChange } from './types.js';

function side(cell: CellSummary): PassRateSide | undefined {
  const counts = cell.assertions;
  if (counts === undefined) return undefined;
  const checked = counts.passed + counts.failed + (counts.errored ?? 0);
  return { passed: counts.passed, checked, rate: checked > 0 ? counts.passed / checked : null };
}

const ROW_ORDER = new Intl.Collator('en', { numeric: true });

interface Pairing {
  counts: PairedCounts;
  pairs: number;
  changes: VerdictChange[];
  changesLeftOut: number;
  /** Every verdict of both sides is in a pair. */
  complete: boolean;
}

function pairVerdicts(base: CellVerdicts, candidate: CellVerdicts): Pairing {
  const counts: PairedCounts = { bothPass: 0, passToFail: 0, failToPass: 0, bothFail: 0 };
  const regressed: VerdictChange[] = [];
  const fixed: VerdictChange[] = [];
  let pairs = 0;
  for (const [key, after] of candidate.byKey) {
    const before = base.byKey.get(key);
    if (before === undefined) continue;
    pairs += 1;
    if (before.pass && after.pass) counts.bothPass += 1;
    else if (!before.pass && !after.pass) counts.bothFail += 1;
    else if (before.pass) {
      counts.passToFail += 1;
      regressed.push({ rowId: after.rowId, repeat: after.repeat, change: 'pass→fail', reason: after.reason ?? '' });
    } else {
      counts.failToPass += 1;
      fixed.push({ rowId: after.rowId, repeat: after.repeat, change: 'fail→pass', reason: before.reason ?? '' });
    }
  }
  // Rows come in the order they finished; list them by row id (numbers in ids compare as numbers), then repeat.
  const byRow = (a: VerdictChange, b: VerdictChange): number => ROW_ORDER.compare(a.rowId, b.rowId) || a.repeat - b.repeat;
  const changes = [...regressed.sort(byRow), ...fixed.sort(byRow)].slice(0, MAX_VERDICT_CHANGES);
  const complete = !base.duplicated && !candidate.duplicated && pairs > 0 && pairs === base.byKey.size && pairs === candidate.byKey.size;
  return { counts, pairs, changes, changesLeftOut: counts.passToFail + counts.failToPass - changes.length, complete };
}

/** The pairs agree with the summaries' counts on both sides (so the paired test judges the very rates shown). */
function matchesCounts(counts: PairedCounts, base: PassRateSide, candidate: PassRateSide): boolean {
  const n = counts.bothPass + counts.passToFail + counts.failToPass + counts.bothFail;
  return (
    n === base.checked &&
    n === candidate.checked &&
    counts.bothPass + counts.passToFail === base.passed &&
    counts.bothPass + counts.failToPass === candidate.passed
  );
}

function judgePassRate(pValue: number, relative: number | null, difference: number, options: ResolvedCompareOptions): Verdict {
  if (!(pValue < 1 - options.confidence) || relative === null || !(Math.abs(relative) > options.tolerance)) return 'no significant change';
  return difference < 0 ? 'regression' : 'improvement';
}

function significanceText(verdict: Verdict, pValue: number, relative: number | null, options: ResolvedCompareOptions): string {
  const alpha = `${+(1 - options.confidence).toFixed(4)}`;
  const tolerance = `±${(options.tolerance * 100).toFixed(0)}%`;
  if (!(pValue < 1 - options.confidence)) return `${formatPEquals(pValue)} ≥ ${alpha}`;
  if (verdict === 'no significant change') return `${formatPEquals(pValue)} < ${alpha}, but ${formatRelative(relative)} is within ${tolerance}`;
  return `${formatPEquals(pValue)} < ${alpha} and ${formatRelative(relative)} is beyond ${tolerance}`;
}

function passRateDelta(
  base: PassRateSide | undefined,
  candidate: PassRateSide | undefined,
  fields: { interval: Interval | null; pValue: number | null; method: string; verdict: Verdict; confidenceStatement: string },
): MetricDelta {
  const b = base?.rate ?? null;
  const c = candidate?.rate ?? null;
  const delta = b !== null && c !== null ? c - b : null;
  return {
    metric: 'passRate',
    label: 'pass rate',
    unit: 'rate',
    direction: 'higher-is-better',
    base: b,
    candidate: c,
    delta,
    relative: relativeChange(b, delta),
    samples: { base: base?.checked ?? 0, candidate: candidate?.checked ?? 0 },
    ...fields,
  };
}

/**
 * The pass-rate delta and the answers of a matched cell; undefined when neither run checked an
 * assertion there.
 */
export function comparePassRate(
  baseCell: CellSummary,
  candidateCell: CellSummary,
  baseVerdicts: CellVerdicts,
  candidateVerdicts: CellVerdicts,
  options: ResolvedCompareOptions,
): { delta: MetricDelta; answers: AnswerComparison } | undefined {
  const base = side(baseCell);
  const candidate = side(candidateCell);
  if ((base?.checked ?? 0) === 0 && (candidate?.checked ?? 0) === 0) return undefined;
  const pairing = pairVerdicts(baseVerdicts, candidateVerdicts);
  const answers = (test: AnswerComparison['test'], paired: PairedCounts | null): AnswerComparison => ({
    base: base ?? { passed: 0, checked: 0, rate: null },
    candidate: candidate ?? { passed: 0, checked: 0, rate: null },
    test,
    paired,
    pairs: pairing.pairs,
    passToFail: pairing.counts.passToFail,
    failToPass: pairing.counts.failToPass,
    changes: pairing.changes,
    changesLeftOut: pairing.changesLeftOut,
  });

  if (base === undefined || candidate === undefined || base.checked === 0 || candidate.checked === 0) {
    const which = base === undefined || base.checked === 0 ? 'the base' : 'the candidate';
    return {
      delta: passRateDelta(base, candidate, {
        interval: null,
        pValue: null,
        method: 'none',
        verdict: 'insufficient data',
        confidenceStatement: `${which} checked no assertion in this cell`,
      }),
      answers: answers('none', null),
    };
  }

  const difference = candidate.rate! - base.rate!;
  const relative = relativeChange(base.rate, difference);
  if (pairing.complete && matchesCounts(pairing.counts, base, candidate)) {
    const { passToFail, failToPass } = pairing.counts;
    const pValue = mcnemarExact(passToFail, failToPass);
    const verdict = judgePassRate(pValue, relative, difference, options);
    const discordant = passToFail + failToPass;
    const tooFew =
      verdict === 'no significant change' && discordant > 0 && !(mcnemarFloor(discordant) < 1 - options.confidence)
        ? `; ${discordant} changed verdict(s) are too few for any exact test to reach p < ${+(1 - options.confidence).toFixed(4)}`
        : '';
    return {
      delta: passRateDelta(base, candidate, {
        interval: pairedDifferenceInterval(pairing.counts, options.confidence),
        pValue,
        method: 'exact McNemar test on the verdicts paired by row and repeat; Newcombe paired score interval',
        verdict,
        confidenceStatement:
          `${pairing.pairs} verdicts paired by row and repeat: ${passToFail} pass→fail, ${failToPass} fail→pass; exact McNemar ` +
          `${significanceText(verdict, pValue, relative, options)}${tooFew}`,
      }),
      answers: answers('exact McNemar', pairing.counts),
    };
  }

  const pValue = fisherExact(base.passed, base.checked, candidate.passed, candidate.checked);
  const verdict = judgePassRate(pValue, relative, difference, options);
  const interval = twoProportionTest(base.passed, base.checked, candidate.passed, candidate.checked, options.confidence)?.interval ?? null;
  return {
    delta: passRateDelta(base, candidate, {
      interval,
      pValue,
      method: 'two-sided Fisher exact test on the counts (verdicts not paired by row and repeat); Newcombe hybrid score interval',
      verdict,
      confidenceStatement:
        `${base.passed}/${base.checked} vs ${candidate.passed}/${candidate.checked} passed, not paired by row and repeat; Fisher exact ` +
        significanceText(verdict, pValue, relative, options),
    }),
    answers: answers('Fisher exact', null),
  };
}
