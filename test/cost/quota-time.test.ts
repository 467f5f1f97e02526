/** quotaEstimate on its own: which limit sets the time, where the limits come from, what a deadline needs. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING_HEADROOM, quotaEstimate, slowest } from '../../src/cost/quota-time.js';
import { DEFAULT_LIMITER_CONFIG } from '../../src/load/limiter.js';

const demand = { requests: 120, tokens: { expected: 60_000, high: 240_000 } };
const base = { quotaWindow: 60, adapt: true, rpm: undefined, tpm: undefined };

describe('quotaEstimate', () => {
  it('paces at the headroom the adaptive limiter uses', () => {
    expect(DEFAULT_PACING_HEADROOM).toBe(DEFAULT_LIMITER_CONFIG.headroom);
  });

  it('the slower of --rpm and --tpm sets the time; the high output may switch the limit', () => {
    const quota = quotaEstimate({ ...base, rpm: 100, tpm: 100_000 }, 'chat/x', undefined, demand, { headroom: 0.5 });
    expect(quota).toMatchObject({ rpm: 50, tpm: 50_000, limitedBy: 'rpm', limitsFrom: "--rpm and --tpm at the limiter's 50% headroom" });
    expect(quota.timeSeconds).toEqual({ expected: 144, high: 288 });
    expect(quota.needed).toBeUndefined();
  });

  it('--no-adapt ignores the flags; no limits leave the time unknown, but a deadline still says what it needs', () => {
    const quota = quotaEstimate({ ...base, adapt: false, rpm: 100 }, 'chat/x', undefined, demand, { headroom: 0.97, deadlineSeconds: 600 });
    expect(quota).toMatchObject({ rpm: null, tpm: null, limitsFrom: null, limitedBy: null, timeSeconds: { expected: null, high: null } });
    expect(quota.needed).toEqual({ deadlineSeconds: 600, rpm: 12, tpm: { expected: 6000, high: 24_000 } });
  });

  it("takes the earlier run's largest learned budget for the same quota key, and the smaller of it and a flag", () => {
    const limiter = (requestBudget: number) => ({ throttled: 0, concurrency: 1, requestBudget });
    const stage = (limiters: Record<string, ReturnType<typeof limiter>>) => ({
      load: { kind: 'concurrency' as const, value: 1 },
      planned: 1,
      started: 1,
      completed: 1,
      windowMs: 1,
      dispatchedRatePerSec: 1,
      completedRatePerSec: 1,
      limiters,
    });
    const earlier = { cells: [], stages: [stage({ 'chat/x': limiter(30) }), stage({ 'chat/x': limiter(40), 'chat/y': limiter(1) })] };
    expect(quotaEstimate(base, 'chat/x', earlier, demand, { headroom: 1 })).toMatchObject({
      rpm: 40,
      limitedBy: 'rpm',
      limitsFrom: "the earlier run's limiter (learned from X-Ratelimit headers)",
    });
    expect(quotaEstimate({ ...base, rpm: 20 }, 'chat/x', earlier, demand, { headroom: 1 }).rpm).toBe(20);
  });

  it('slowest: the largest, unknown when any is', () => {
    expect(slowest([1, 3, 2])).toBe(3);
    expect(slowest([1, null])).toBeNull();
    expect(slowest([])).toBe(0);
  });
});
