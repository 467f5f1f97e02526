/**
 * One finished request against its row's assertions. A request that got no answer (failed,
 * throttled, timed out) fails every assertion with that reason; one that was never sent
 * (cancelled, dropped) is skipped. An answer is judged by each assertion in turn.
 */
import type { AssertResult, RequestRecord } from '../metrics/types.js';
import type { AssertionSubject } from './assertions/index.js';
import type { RowAssertion } from './row-assertions.js';

export interface RequestJudgement {
  result: AssertResult;
  /** The failures (or, when nothing could be checked, the skips), `; `-separated; '' when all passed. */
  reason: string;
}

export function judgeRequest(
  assertions: readonly RowAssertion[],
  record: RequestRecord,
  subject: Omit<AssertionSubject, 'output' | 'latencyMs' | 'ttftMs' | 'completionTokens'>,
): RequestJudgement {
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
  const failures: string[] = [];
  const skips: string[] = [];
  for (const assertion of assertions) {
    const verdict = assertion.check(full);
    const label = `${assertion.type} ${assertion.expectation}`;
    if ('skip' in verdict) skips.push(`${label}: skipped: ${verdict.skip}`);
    else if ('unknown' in verdict) failures.push(`${label}: ${verdict.unknown}`);
    else if (!verdict.pass) failures.push(`${label}: ${verdict.reason}`);
  }
  if (failures.length > 0) return { result: 'fail', reason: failures.join('; ') };
  if (skips.length === assertions.length) return { result: 'skip', reason: skips.join('; ') };
  return { result: 'pass', reason: '' };
}

/** `no answer: failed 336100: server busy`. */
export function noAnswerReason(record: RequestRecord): string {
  const code = record.errorCode ?? (record.httpStatus !== undefined && record.httpStatus >= 400 ? `HTTP ${record.httpStatus}` : undefined);
  return (
    `no answer: ${record.outcome}` +
    `${code !== undefined ? ` ${code}` : ''}${record.errorMsg !== undefined && record.errorMsg !== '' ? `: ${record.errorMsg}` : ''}`
  );
}
