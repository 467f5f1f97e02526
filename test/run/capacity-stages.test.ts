import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/run-config.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import type { RunSummary, StageSummary } from '../../src/metrics/types.js';
import { stageLimits, stageSourceOf, type StageOutcome } from '../../src/run/capacity-stages.js';
import { createSloExtension } from '../../src/run/slo-extension.js';
import type { Stage } from '../../src/run/stages.js';
import { makeRecord, makeSummary } from '../report/fixtures.js';

/** How a fake stage went: every request met the SLO; `sent` is the share of the offered rate the client managed. */
interface FakeStage {
  sent?: number;
  late?: number;
  interrupted?: boolean;
}

/** Drives the capacity source with a fake stage runner and returns summary.capacity. */
function runSearch(options: Record<string, unknown>, fake: (stage: Stage) => FakeStage) {
  const config = parseRunConfig({ datasets: ['d.csv'], models: ['ernie-speed-8k'], slo: 'latency<2s', findCapacity: true, maxRequests: 10, ...options });
  const slo = createSloExtension(config, false)!;
  const source = stageSourceOf(config, [slo]);
  const loads: number[] = [];
  let previous: StageOutcome | undefined;
  for (let stage = source.next(); stage !== undefined; stage = source.next(previous)) {
    if (loads.length > 50) throw new Error('the search does not end');
    loads.push(stage.load.value);
    const made = fake(stage);
    for (let i = 0; i < 10; i++) slo.onRequest!({ record: makeRecord({ outcome: 'ok', latencyMs: 500, ttftMs: 100 }) } as FinishedRequest);
    const offered = stage.model.kind === 'open' ? stage.load.value : undefined;
    const summary: StageSummary = {
      load: stage.load,
      planned: 10,
      started: 10,
      completed: 10,
      windowMs: 1000,
      dispatchedRatePerSec: (offered ?? 5) * (made.sent ?? 1),
      completedRatePerSec: 5,
      ...(offered !== undefined ? { offeredRatePerSec: offered, late: made.late ?? 0, maxLagMs: 0 } : {}),
    };
    previous = { cells: [], stage: summary, interrupted: made.interrupted ?? false };
  }
  const summary: RunSummary = makeSummary({ cells: [] });
  void slo.decorateSummary!(summary);
  return { loads, capacity: summary.capacity! };
}

describe('capacity stages', () => {
  it('a rate the client could not send (the -c cap held it back) is not met, ends the search and blames the client', () => {
    // -c 2 against a 0.8 s endpoint sends at most 2.5/s whatever the rate offered: the schedule runs late.
    const { loads, capacity } = runSearch({ rate: '20', concurrency: '2' }, (stage) => ({ sent: 2.5 / stage.load.value, late: 9 }));
    expect(loads).toEqual([20]);
    expect(capacity.stages[0]).toMatchObject({ meets: false, clientBound: true, dispatchedRatePerSec: 2.5 });
    expect(capacity.answer).toBeNull();
    expect(capacity.limitedBy).toBe('client');
    expect(capacity.conclusion).toMatch(/sent only 2.5 requests\/s.*the client .*not the endpoint, was the limit \(raise -c\)/);
  });

  it('keeps the loads the client did send and stops at the first it could not', () => {
    const { loads, capacity } = runSearch({ rate: '1', concurrency: '4' }, (stage) => (stage.load.value <= 4 ? {} : { sent: 4 / stage.load.value, late: 8 }));
    expect(loads).toEqual([1, 2, 4, 8]);
    expect(capacity.answer).toEqual({ value: 4, low: 4, high: null });
    expect(capacity.limitedBy).toBe('client');
  });

  it('a short stage whose window tail lowers the dispatched rate but which ran on time is not client-bound', () => {
    const { capacity } = runSearch({ rate: '1', concurrency: '100', capacityStages: 3 }, () => ({ sent: 0.7, late: 0 }));
    expect(capacity.stages.map((stage) => stage.meets)).toEqual([true, true, true]);
    expect(capacity.limitedBy).toBe('not-reached');
  });

  it('a stage the run was stopped in is recorded as not judged and left out of the answer', () => {
    const { loads, capacity } = runSearch({ concurrency: '1' }, (stage) => ({ interrupted: stage.load.value === 4 }));
    expect(loads).toEqual([1, 2, 4]);
    expect(capacity.stages[2]).toMatchObject({ load: { value: 4 }, meets: false, judged: false });
    expect(capacity.answer).toEqual({ value: 2, low: 2, high: null });
    expect(capacity.conclusion).toMatch(/up to 2 in flight/);
  });

  it('a short closed-loop stage above a per-minute quota rate, with nothing throttled, was not held back by the quota', () => {
    const stage: Stage = { load: { kind: 'concurrency', value: 8 }, model: { kind: 'closed' }, concurrency: 8 };
    const limiter = {
      throttled: 0,
      concurrency: 8,
      creditRequests: 280,
      timeline: { bucketSeconds: 1, sent: [15], throttled: [0], limitRequests: 300, windowSeconds: 60 },
    };
    const summary: StageSummary = {
      load: stage.load,
      planned: 15,
      started: 15,
      completed: 15,
      windowMs: 2030,
      dispatchedRatePerSec: 7.4,
      completedRatePerSec: 7.4,
    };
    const judged = (limiters: StageSummary['limiters'], throttled = 0) =>
      stageLimits(stage, { stage: { ...summary, ...(limiters ? { limiters } : {}) } }, {}, throttled);
    expect(judged({ key: limiter })).toMatchObject({ quotaBound: false, quotaRatePerSec: 5 });
    // What does show the quota binding: throttling, the limiter cutting concurrency, or its credit running out.
    expect(judged({ key: limiter }, 1).quotaBound).toBe(true);
    expect(judged({ key: { ...limiter, concurrency: 4 } }).quotaBound).toBe(true);
    expect(judged({ key: { ...limiter, creditRequests: 0 } }).quotaBound).toBe(true);
  });
});
