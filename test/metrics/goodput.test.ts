import { describe, expect, it } from 'vitest';
import { sloOf } from '../../src/config/slo-expression.js';
import { addToTally, attainmentOf, clearlyFails, emptyTally, meetsRequestBounds, tallyMeets } from '../../src/metrics/goodput.js';
import type { Outcome, RequestRecord } from '../../src/metrics/types.js';

function record(outcome: Outcome, times: Partial<RequestRecord> = {}): RequestRecord {
  return { seq: 0, cellId: 'c1', model: 'm', endpoint: 'e', params: '', rowId: 'r', repeat: 0, outcome, attempts: 1, backoffMs: 0, output: '', ...times };
}

describe('goodput counting', () => {
  const slo = sloOf('ttft<800ms,latency<2s,tpot<50,error_rate<10%');

  it('an ok request meets the SLO only within every per-request bound', () => {
    expect(meetsRequestBounds(record('ok', { ttftMs: 799, latencyMs: 1999, tpotMs: 10 }), slo.requestBounds)).toBe(true);
    expect(meetsRequestBounds(record('ok', { ttftMs: 800, latencyMs: 1000 }), slo.requestBounds)).toBe(false);
    // A one-token answer has no TPOT: the TPOT bound cannot fail it; a missing TTFT can.
    expect(meetsRequestBounds(record('ok', { ttftMs: 100, latencyMs: 100 }), slo.requestBounds)).toBe(true);
    expect(meetsRequestBounds(record('ok', { latencyMs: 100 }), slo.requestBounds)).toBe(false);
    expect(meetsRequestBounds(record('failed', { ttftMs: 1, latencyMs: 1 }), slo.requestBounds)).toBe(false);
  });

  it('counts concluded requests only, and judges the attainment target and rate bounds', () => {
    const tally = emptyTally();
    for (let i = 0; i < 18; i++) addToTally(tally, record('ok', { ttftMs: 100, latencyMs: 500 }), slo);
    addToTally(tally, record('ok', { ttftMs: 900, latencyMs: 500 }), slo);
    addToTally(tally, record('failed'), slo);
    addToTally(tally, record('dropped'), slo);
    addToTally(tally, record('cancelled'), slo);
    addToTally(tally, record('ok', { replayed: true }), slo);
    expect(tally).toEqual({ concluded: 20, met: 18, errors: 1, throttled: 0 });
    expect(attainmentOf(tally)).toBe(0.9);
    expect(tallyMeets(tally, slo, 0.9)).toBe(true);
    expect(tallyMeets(tally, slo, 0.95)).toBe(false);
    expect(tallyMeets(emptyTally(), slo, 0.5)).toBe(false);
    const errors = { concluded: 10, met: 10, errors: 1, throttled: 0 };
    expect(tallyMeets(errors, slo, 0.5)).toBe(false); // error_rate 10% is not < 10%
  });

  it('a stage clearly fails once more have missed than the target allows of all it will send', () => {
    const latencyOnly = sloOf('latency<1s');
    // 20 planned at 95%: one miss is allowed, the second settles it.
    expect(clearlyFails({ concluded: 3, met: 2, errors: 0, throttled: 0 }, latencyOnly, 0.95, 20)).toBe(false);
    expect(clearlyFails({ concluded: 3, met: 1, errors: 0, throttled: 0 }, latencyOnly, 0.95, 20)).toBe(true);
    // A rate bound already broken for the whole stage.
    expect(clearlyFails({ concluded: 2, met: 0, errors: 2, throttled: 0 }, slo, 0, 20)).toBe(true);
    expect(clearlyFails({ concluded: 2, met: 0, errors: 1, throttled: 0 }, slo, 0, 20)).toBe(false);
  });
});
