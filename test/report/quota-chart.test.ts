import { describe, expect, it } from 'vitest';
import type { StageSummary } from '../../src/metrics/types.js';
import { quotaChartData } from '../../src/report/charts/quota-chart.js';

const stage = (limiters: StageSummary['limiters']): StageSummary =>
  ({
    load: { kind: 'concurrency', value: 8 },
    planned: 10,
    started: 10,
    completed: 10,
    windowMs: 3000,
    dispatchedRatePerSec: 3,
    completedRatePerSec: 3,
    limiters,
  }) as StageSummary;

describe('quota use over time', () => {
  it('draws cumulative sends and refusals from each bucket start, and the allowance of a full window plus refill', () => {
    const [chart] = quotaChartData([
      stage({
        'chat/x': { throttled: 1, concurrency: 8, timeline: { bucketSeconds: 1, sent: [5, 0, 3], throttled: [0, 1, 0], limitRequests: 6, windowSeconds: 2 } },
      }),
    ]);
    const series = (name: string): Array<[number, number]> => chart!.points.filter((p) => p.series === name).map((p) => [p.seconds, p.requests]);
    expect(chart!.title).toBe('chat/x');
    expect(series('sent')).toEqual([
      [0, 5],
      [1, 5],
      [2, 8],
      [3, 8],
    ]);
    expect(series('refused')).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(series('quota allows')).toEqual([
      [0, 6],
      [1, 9],
      [2, 12],
      [3, 15],
    ]);
  });

  it('a fixed window may allow a whole window more at each reset, whenever it falls', () => {
    const timeline = { bucketSeconds: 1, sent: [5, 0, 3], throttled: [0, 0, 0], limitRequests: 6, windowSeconds: 2 };
    const [chart] = quotaChartData([stage({ 'chat/x': { throttled: 0, concurrency: 8, refill: 'fixed', timeline } })]);
    const allows = chart!.points.filter((p) => p.series === 'quota allows').map((p) => [p.seconds, p.requests]);
    expect(allows).toEqual([
      [0, 6],
      [1, 12],
      [2, 12],
      [3, 18],
    ]);
  });

  it('has no chart without a timeline (no adaptive limiter, or an older run), and no allowance without a known limit', () => {
    expect(quotaChartData([stage(undefined), stage({ 'chat/x': { throttled: 0, concurrency: 4 } })])).toEqual([]);
    const [chart] = quotaChartData([
      stage({ 'chat/x': { throttled: 0, concurrency: 4, timeline: { bucketSeconds: 1, sent: [2], throttled: [0], windowSeconds: 60 } } }),
    ]);
    expect(chart!.points.some((p) => p.series === 'quota allows')).toBe(false);
  });
});
