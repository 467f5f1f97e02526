import { describe, expect, it } from 'vitest';
import { deriveTimings } from '../../src/metrics/request-metrics.js';

describe('per-request metrics (metrics.md)', () => {
  it('measures ttft from dispatch and ttft_sched from the scheduled start', () => {
    const timings = deriveTimings({ schedAt: 100, dispatchedAt: 110, textEventTimes: [160, 200, 260], doneAt: 270, stream: true, completionTokens: 11 });
    expect(timings).toMatchObject({ queueMs: 10, latencyMs: 160, latencySchedMs: 170, ttftMs: 50, ttftSchedMs: 60 });
    expect(timings.tpotMs).toBeCloseTo(10, 9); // (260 - 160) / (11 - 1)
    expect(timings.decodeTps).toBeCloseTo(100, 9);
    expect(timings.interChunkMs).toEqual([40, 60]);
  });

  it('has no ttft for a non-streaming request and no tpot below two tokens or two events', () => {
    expect(deriveTimings({ schedAt: 0, dispatchedAt: 0, textEventTimes: [50], doneAt: 50, stream: false, completionTokens: 5 }).ttftMs).toBeUndefined();
    expect(deriveTimings({ schedAt: 0, dispatchedAt: 0, textEventTimes: [5, 9], doneAt: 9, stream: true, completionTokens: 1 }).tpotMs).toBeUndefined();
    expect(deriveTimings({ schedAt: 0, dispatchedAt: 0, textEventTimes: [5], doneAt: 9, stream: true, completionTokens: 30 }).tpotMs).toBeUndefined();
  });
});
