/**
 * Quota use over time, per limiter (one quota key) and stage: requests sent so far against what
 * the quota allowed so far (a full window at the start plus the refill at limit/window since; for
 * a fixed window, a whole window more at each reset, whenever it falls), with the attempts refused
 * as over quota. A run that spends its
 * quota well runs close under the allowance line and refuses few.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { StageSummary } from '../../metrics/types.js';
import { CHART_WIDTH } from './theme.js';

export interface QuotaPoint {
  seconds: number;
  requests: number;
  series: 'sent' | 'quota allows' | 'refused';
}

export interface QuotaChartData {
  /** The limiter's quota key (api/endpoint) and, in a sweep, its stage. */
  title: string;
  points: QuotaPoint[];
}

const SERIES = ['sent', 'quota allows', 'refused'] as const;

export function quotaChartData(stages: readonly StageSummary[]): QuotaChartData[] {
  const charts: QuotaChartData[] = [];
  stages.forEach((stage, index) => {
    for (const [key, limiter] of Object.entries(stage.limiters ?? {})) {
      const timeline = limiter.timeline;
      if (timeline === undefined || timeline.sent.length === 0) continue;
      // Each bucket's count is drawn from its start (step-after), so the first burst shows at 0 s.
      const points: QuotaPoint[] = [];
      let sent = 0;
      let refused = 0;
      timeline.sent.forEach((count, i) => {
        const seconds = i * timeline.bucketSeconds;
        sent += count;
        refused += timeline.throttled[i] ?? 0;
        points.push({ seconds, requests: sent, series: 'sent' }, { seconds, requests: refused, series: 'refused' });
      });
      const end = timeline.sent.length * timeline.bucketSeconds;
      points.push({ seconds: end, requests: sent, series: 'sent' }, { seconds: end, requests: refused, series: 'refused' });
      const limit = timeline.limitRequests;
      if (limit !== undefined && limit > 0) {
        // A fixed window may reset at any moment of ours: by t it may have allowed a window more than a
        // bucket would. Drawn at each bucket boundary, so the step shows.
        const windows = (seconds: number): number =>
          limiter.refill === 'fixed' ? Math.ceil(seconds / timeline.windowSeconds - 1e-9) : seconds / timeline.windowSeconds;
        for (let i = 0; i <= timeline.sent.length; i++) {
          const seconds = i * timeline.bucketSeconds;
          points.push({ seconds, requests: limit * (1 + windows(seconds)), series: 'quota allows' });
        }
      }
      charts.push({ title: stages.length > 1 ? `${key}, stage ${index + 1} (${stage.load.kind} ${stage.load.value})` : key, points });
    }
  });
  return charts;
}

export function quotaChartSpec(data: QuotaChartData): TopLevelSpec {
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [...SERIES], range: ['#4e79a7', '#9c755f', '#e15759'] },
    legend: { orient: 'top' },
  } as const;
  return {
    width: CHART_WIDTH,
    height: 220,
    data: { values: data.points.map((p) => ({ ...p })) },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'seconds since the first request' },
      y: { field: 'requests', type: 'quantitative', title: 'requests (cumulative)' },
      color,
    },
    // Counts move in steps; the allowance grows continuously.
    layer: [
      { transform: [{ filter: { field: 'series', oneOf: ['sent', 'refused'] } }], mark: { type: 'line', interpolate: 'step-after' } },
      { transform: [{ filter: { field: 'series', equal: 'quota allows' } }], mark: { type: 'line', strokeDash: [5, 3] } },
    ],
  };
}
