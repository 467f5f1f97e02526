/**
 * The comparison's delta chart: for each matched cell and timing or throughput metric, the
 * relative change (point) with its confidence interval (bar), the ±tolerance band shaded, and the
 * colour of the verdict.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ComparisonResult } from '../../compare/index.js';
import type { Verdict } from '../../compare/stats.js';
import { CHART_WIDTH } from './theme.js';

export interface DeltaPoint {
  /** Position of the cell in the comparison (facets keep it). */
  order: number;
  cell: string;
  metric: string;
  relative: number;
  low: number;
  high: number;
  verdict: Verdict;
}

const CHARTED = new Set(['latency.p50', 'latency.p95', 'latency.p99', 'ttft.p50', 'ttft.p95', 'ttft.p99', 'requestsPerSec', 'outputTokensPerSec']);

export const VERDICT_COLORS: Record<Verdict, string> = {
  regression: '#cf222e',
  improvement: '#1a7f37',
  changed: '#9a6700',
  'no significant change': '#8c959f',
  'insufficient data': '#d0d7de',
  'not tested': '#d0d7de',
};

/** Relative changes in percent; metrics with no base, a base of 0 or no interval are left out. */
export function deltaChartData(result: ComparisonResult): DeltaPoint[] {
  const points: DeltaPoint[] = [];
  result.matched.forEach((cell, order) => {
    for (const d of cell.deltas) {
      if (!CHARTED.has(d.metric) || d.base === null || d.base === 0 || d.delta === null || d.interval === null) continue;
      const scale = 100 / Math.abs(d.base);
      points.push({
        order,
        cell: cell.label,
        metric: d.label,
        relative: d.delta * scale,
        low: d.interval.low * scale,
        high: d.interval.high * scale,
        verdict: d.verdict,
      });
    }
  });
  return points;
}

export function deltaChartSpec(points: readonly DeltaPoint[], tolerance: number): TopLevelSpec {
  const tol = tolerance * 100;
  const verdicts = Object.keys(VERDICT_COLORS) as Verdict[];
  const present = verdicts.filter((v) => points.some((p) => p.verdict === v));
  const x = { type: 'quantitative', title: 'change vs base (%), with confidence interval' } as const;
  return {
    data: { values: points.map((p) => ({ ...p })) },
    facet: {
      row: {
        field: 'cell',
        type: 'nominal',
        title: null,
        sort: { field: 'order', op: 'min' },
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold', labelFontSize: 12, labelLimit: 0 },
      },
    },
    spacing: 6,
    spec: {
      width: CHART_WIDTH - 120,
      height: { step: 18 },
      layer: [
        { mark: { type: 'rect', color: '#eceff2' }, encoding: { x: { datum: -tol, ...x }, x2: { datum: tol } } },
        { mark: { type: 'rule', color: '#5b636e' }, encoding: { x: { datum: 0, ...x } } },
        {
          encoding: {
            y: { field: 'metric', type: 'nominal', title: null, sort: null },
            color: {
              field: 'verdict',
              type: 'nominal',
              title: 'Verdict',
              scale: { domain: verdicts, range: verdicts.map((v) => VERDICT_COLORS[v]) },
              legend: { values: present },
            },
          },
          layer: [
            { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'low', ...x }, x2: { field: 'high' } } },
            { mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x: { field: 'relative', ...x } } },
          ],
        },
      ],
    },
    resolve: { axis: { x: 'independent' } },
  } as TopLevelSpec;
}
