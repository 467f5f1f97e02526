/**
 * One finished request against its row's assertions. A request that got no answer (failed,
 * throttled, timed out) fails every assertion with that reason; one that was never sent
 * (cancelled, dropped) is skipped. An answer is judged by each assertion in turn and scored: the
 * weighted share of the assertions that passed (skipped ones left out). With a row threshold the
 * answer passes when its score reaches it; without one when every assertion of weight above 0
 * passed.
 */
import type { AssertResult, RequestRecord } from '../metrics/types.js';
import type { AssertionSubject } from './assertions/index.js';
import type { RowAssertion, RowChecks } from './row-assertions.js';

/** What one assertion found on one answer. */
export interface AssertionOutcome {
  /** `contains "Paris"`, with `(weight 2)` when the weight is not 1. */
  label: string;
  weight: number;
  metric?: string;
  outcome: 'pass' | 'fail' | 'skip';
  reason: string;
}

export interface RequestJudgement {
  result: AssertResult;
  /**
   * Why: the failed assertions (and the score against the threshold when a threshold decided), or,
   * when nothing could be checked, the skips, `; `-separated; '' when all passed. A passing answer
   * that still failed some assertion (under a threshold, or of weight 0) names those too.
   */
  reason: string;
  /** The weighted share (0..1) of the judged assertions that passed; absent without an answer, or when nothing of weight above 0 was judged. */
  score?: number;
  /** Each assertion's finding; absent when there was no answer to judge. */
  outcomes?: AssertionOutcome[];
}

/** Scores are compared with this much slack, so weights such as 0.1 + 0.2 reach a threshold of 0.3. */
const SCORE_EPSILON = 1e-9;

export function judgeRequest(
  checks: RowChecks,
  record: RequestRecord,
  subject: Omit<AssertionSubject, 'output' | 'latencyMs' | 'ttftMs' | 'completionTokens'>,
): RequestJudgement {
  const { assertions, threshold } = checks;
  if (assertions.length === 0) return { result: 'none', reason: '' };
  if (record.outcome === 'cancelled' || record.outcome === 'dropped') return { result: 'skip', reason: `not sent: ${record.errorMsg ?? record.outcome}` };
  if (record.outcome !== 'ok') return { result: 'fail', reason: noAnswerReason(record) };
  const full: AssertionSubject = {
    ...subject,
    output: record.output,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    completionTokens: record.completionTokens,
    needClearHistory: record.needClearHistory,
    banRound: record.banRound,
    isTruncated: record.isTruncated,
    finishReason: record.finishReason,
  };
  const outcomes = assertions.map((assertion) => outcomeOf(assertion, full));
  const judged = outcomes.filter((o) => o.outcome !== 'skip');
  if (judged.length === 0) return { result: 'skip', reason: outcomes.map((o) => `${o.label}: skipped: ${o.reason}`).join('; '), outcomes };
  const score = weightedScore(judged);
  const failed = judged.filter((o) => o.outcome === 'fail');
  const failures = failed.map((o) => `${o.label}: ${o.reason}`);
  const scored = score !== undefined ? { score } : {};
  if (threshold !== undefined) {
    // Nothing of weight above 0 was judged: nothing can fall short of the threshold.
    const pass = score === undefined || score + SCORE_EPSILON >= threshold;
    const versus = score === undefined ? [] : [`score ${formatScore(score)} ${pass ? '≥' : '<'} threshold ${formatScore(threshold)}`];
    if (!pass) return { result: 'fail', reason: [...versus, ...failures].join('; '), ...scored, outcomes };
    return { result: 'pass', reason: failures.length > 0 ? [...versus, ...failures].join('; ') : '', ...scored, outcomes };
  }
  if (failed.some((o) => o.weight > 0)) return { result: 'fail', reason: failures.join('; '), ...scored, outcomes };
  return { result: 'pass', reason: failures.join('; '), ...scored, outcomes };
}

function outcomeOf(assertion: RowAssertion, subject: AssertionSubject): AssertionOutcome {
  const verdict = assertion.check(subject);
  const weight = assertion.weight === 1 ? '' : assertion.weight === 0 ? ' (weight 0: not counted)' : ` (weight ${assertion.weight})`;
  const base = {
    label: `${assertion.type} ${assertion.expectation}${weight}`,
    weight: assertion.weight,
    ...(assertion.metric !== undefined ? { metric: assertion.metric } : {}),
  };
  if ('skip' in verdict) return { ...base, outcome: 'skip', reason: verdict.skip };
  if ('unknown' in verdict) return { ...base, outcome: 'fail', reason: verdict.unknown };
  return { ...base, outcome: verdict.pass ? 'pass' : 'fail', reason: verdict.reason };
}

/** The weighted share of `judged` that passed; undefined when their weights add up to 0. */
export function weightedScore(judged: readonly AssertionOutcome[]): number | undefined {
  let total = 0;
  let passed = 0;
  for (const o of judged) {
    total += o.weight;
    if (o.outcome === 'pass') passed += o.weight;
  }
  return total > 0 ? passed / total : undefined;
}

/** `0.667`, `1`. */
export function formatScore(score: number): string {
  return String(Math.round(score * 1000) / 1000);
}

/**
 * A kept row of a resumed run: its result, reason and score as they were judged when it arrived
 * (on the whole answer); `fresh` (the stored text judged again) gives what the file does not
 * keep, each assertion's outcome for the named metrics, and the score of a file older than it.
 */
export function keptJudgement(record: RequestRecord, fresh: RequestJudgement): RequestJudgement {
  if (record.assertResult === undefined) return fresh;
  const score = record.assertScore ?? fresh.score;
  return {
    result: record.assertResult,
    reason: record.assertReason ?? '',
    ...(score !== undefined ? { score } : {}),
    ...(fresh.outcomes !== undefined ? { outcomes: fresh.outcomes } : {}),
  };
}

/** `no answer: failed 336100: server busy`. */
export function noAnswerReason(record: RequestRecord): string {
  const code = record.errorCode ?? (record.httpStatus !== undefined && record.httpStatus >= 400 ? `HTTP ${record.httpStatus}` : undefined);
  return (
    `no answer: ${record.outcome}` +
    `${code !== undefined ? ` ${code}` : ''}${record.errorMsg !== undefined && record.errorMsg !== '' ? `: ${record.errorMsg}` : ''}`
  );
}
