import { describe, expect, it } from 'vitest';
import { capacityAnswer, nextCapacityLoad, type CapacitySearchSettings, type CapacityStage } from '../../src/run/capacity-search.js';

/** Runs the search against a fake stage runner: each load's stage from `judge`. */
function search(settings: CapacitySearchSettings, judge: (load: number) => Omit<CapacityStage, 'load' | 'stoppedEarly'>) {
  const history: CapacityStage[] = [];
  for (let load = nextCapacityLoad(settings, history); load !== undefined; load = nextCapacityLoad(settings, history)) {
    history.push({ load, stoppedEarly: false, ...judge(load) });
    if (history.length > 100) throw new Error('the search does not end');
  }
  return { loads: history.map((stage) => stage.load), ...capacityAnswer(settings, history) };
}

const concurrency: CapacitySearchSettings = { searched: 'concurrency', start: 1, precision: 0.1, maxStages: 16, maxLoad: 100_000 };
const rate: CapacitySearchSettings = { searched: 'rate', start: 1, precision: 0.05, maxStages: 20, maxLoad: 1_000_000 };
const knee = (limit: number) => (load: number) => ({ meets: load <= limit, attainment: load <= limit ? 1 : 0.5, quotaBound: false });

describe('capacity search', () => {
  it('doubles until a stage fails, then bisects to neighbouring concurrencies', () => {
    const found = search(concurrency, knee(10));
    expect(found.loads).toEqual([1, 2, 4, 8, 16, 12, 10, 11]);
    expect(found.answer).toEqual({ value: 10, low: 10, high: 11 });
    expect(found.limitedBy).toBe('endpoint');
  });

  it.each([1, 3, 7, 33, 100, 1000])('brackets a concurrency knee at %i within one step (1, or 10%% of it)', (limit) => {
    const answer = search(concurrency, knee(limit)).answer!;
    expect(answer.low).toBeLessThanOrEqual(limit);
    expect(answer.high).toBeGreaterThan(limit);
    expect(answer.high! - answer.low).toBeLessThanOrEqual(Math.max(1, concurrency.precision * answer.low));
  });

  it('bisects a rate to the precision asked', () => {
    const found = search(rate, knee(13.7));
    const answer = found.answer!;
    expect(answer.value).toBeLessThanOrEqual(13.7);
    expect(answer.high).toBeGreaterThan(13.7);
    expect(answer.high! - answer.low).toBeLessThanOrEqual(rate.precision * answer.low);
    expect(found.limitedBy).toBe('endpoint');
  });

  it('halves from a failing start until a stage meets the SLO', () => {
    const found = search({ ...concurrency, start: 64 }, knee(5));
    expect(found.loads.slice(0, 5)).toEqual([64, 32, 16, 8, 4]);
    expect(found.answer).toEqual({ value: 5, low: 5, high: 6 });
  });

  it('gives no answer when even the lowest load fails', () => {
    const found = search({ ...concurrency, start: 4 }, () => ({ meets: false, attainment: 0, quotaBound: false }));
    expect(found.loads).toEqual([4, 2, 1]);
    expect(found.answer).toBeNull();
    expect(found.limitedBy).toBe('endpoint');
  });

  it('says not-reached when every stage allowed met the SLO', () => {
    const found = search({ ...concurrency, maxStages: 4 }, knee(1000));
    expect(found.loads).toEqual([1, 2, 4, 8]);
    expect(found.answer).toEqual({ value: 8, low: 8, high: null });
    expect(found.limitedBy).toBe('not-reached');
  });

  it('never offers more than the quota a limiter learned, and says the quota was the limit', () => {
    // The endpoint could take 50/s; the quota allows 6/s (360 a minute).
    const found = search(rate, (load) => ({ meets: load <= 50, attainment: 1, quotaBound: load >= 6, quotaRatePerSec: 6 }));
    expect(Math.max(...found.loads)).toBeLessThanOrEqual(6);
    expect(found.answer?.value).toBe(6);
    expect(found.limitedBy).toBe('quota');
  });

  it('a failing stage the quota held back makes the quota the limit', () => {
    const found = search(concurrency, (load) => ({ meets: load < 8, attainment: load < 8 ? 1 : 0.2, quotaBound: load >= 8 }));
    expect(found.answer).toEqual({ value: 7, low: 7, high: 8 });
    expect(found.limitedBy).toBe('quota');
  });

  it('stops at a stage the client could not send, leaves it out of the answer and says the client was the limit', () => {
    const found = search(rate, (load) => ({ meets: true, attainment: 1, quotaBound: false, clientBound: load > 4, dispatchedRatePerSec: Math.min(load, 5) }));
    expect(found.loads).toEqual([1, 2, 4, 8]);
    expect(found.answer).toEqual({ value: 4, low: 4, high: null });
    expect(found.limitedBy).toBe('client');
    expect(found.conclusion).toMatch(/at 8 requests\/s the client sent only 5 requests\/s.*raise -c/);
  });

  it('leaves a stage that was not judged (the run was stopped in it) out of the answer and ends the search', () => {
    const history: CapacityStage[] = [
      { load: 1, attainment: 1, meets: true, stoppedEarly: false, quotaBound: false },
      { load: 2, attainment: 1, meets: true, stoppedEarly: false, quotaBound: false, judged: false },
    ];
    expect(nextCapacityLoad(concurrency, history)).toBeUndefined();
    expect(capacityAnswer(concurrency, history).answer).toEqual({ value: 1, low: 1, high: null });
  });
});
