import { describe, expect, it } from 'vitest';
import { runChecksOf } from '../../src/eval/run-checks.js';
import type { RunSummary } from '../../src/metrics/types.js';

/** Just what runChecksOf reads: the cells' planned and ok counts and the budget's stop reason. */
function summaryOf(planned: number, ok: number, stopReason?: string): RunSummary {
  const cell = { planned, outcomes: { ok, failed: planned - ok, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 } };
  const cost = stopReason !== undefined ? { budget: { stopReason, dropped: 0 } } : undefined;
  return { cells: [cell], ...(cost !== undefined ? { cost } : {}) } as unknown as RunSummary;
}

describe('summary.checks', () => {
  it('passes with exit 0 when nothing failed, and counts the answered requests', () => {
    const checks = runChecksOf(summaryOf(4, 4), { failures: [], errors: [], results: [] }, false);
    expect(checks).toEqual({
      exitCode: 0,
      status: 'passed',
      results: [{ kind: 'outcome', name: 'requests answered', pass: true, detail: '4 of 4 planned requests answered ok' }],
    });
  });

  it('fails with exit 3 on a failed check, keeping the passing ones', () => {
    const results = [
      { kind: 'threshold' as const, name: 'threshold latency.p50<1', cell: 'A', pass: false, detail: 'latency.p50 = 9 ms (limit < 1 ms)' },
      { kind: 'threshold' as const, name: 'threshold ttft.p95<60s', cell: 'A', pass: true, detail: 'ttft.p95 = 9 ms (limit < 60 s)' },
    ];
    const checks = runChecksOf(summaryOf(2, 2), { failures: ['threshold latency.p50<1 failed'], errors: [], results }, false);
    expect(checks.exitCode).toBe(3);
    expect(checks.status).toBe('failed');
    expect(checks.results.slice(1)).toEqual(results);
  });

  it('is aborted (exit 4) when no request succeeded, and the outcome check names why', () => {
    const reason = 'no request succeeded: all 3 requests sent got no answer (3 failed)';
    const checks = runChecksOf(summaryOf(3, 0), { failures: [], errors: [], abortReason: reason }, false);
    expect(checks).toMatchObject({ exitCode: 4, status: 'aborted', abortReason: reason });
    expect(checks.results[0]).toMatchObject({ kind: 'outcome', pass: false, detail: reason });
  });

  it('leaves a budget stop to the budget check: the requests themselves were answered', () => {
    const reason = 'budget stop: --max-cost 0.05 CNY reached';
    const budget = { kind: 'budget' as const, name: 'budget', pass: false, detail: reason };
    const checks = runChecksOf(summaryOf(4, 2, reason), { failures: [], errors: [], abortReason: reason, results: [budget] }, false);
    expect(checks.status).toBe('aborted');
    expect(checks.results).toEqual([{ kind: 'outcome', name: 'requests answered', pass: true, detail: '2 of 4 planned requests answered ok' }, budget]);
  });

  it('is interrupted (exit 130) after Ctrl-C when nothing else failed', () => {
    expect(runChecksOf(summaryOf(4, 1), { failures: [], errors: [] }, true)).toMatchObject({ exitCode: 130, status: 'interrupted' });
  });
});
