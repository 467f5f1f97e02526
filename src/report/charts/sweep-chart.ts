/**
 * Throughput against latency (or TTFT) for sweeps, GuideLLM-style: each load point is a dot at
 * (completed req/s, ms) in one panel and (output tok/s, ms) in the other, p50 solid and p95
 * dashed, joined in load order, with the knee (sweep-data.ts) ringed and named. An axis whose
 * values span more than 10x is logarithmic.
 */
import type { TopLevelSpec } from 'vega-lite';
import { loadLabel, wantsLogScale, type SweepSeries } from './sweep-data.js';
import { CHART_WIDTH } from './theme.js';

export type SweepMetric = 'latency' | 'ttft';

interface SweepRow {
  series: string;
  load: number;
  loadText: string;
  requestsPerSec: number;
  outputTokensPerSec: number;
  percentile: 'p50' | 'p95';
  ms: number;
  knee: boolean;
}

export function sweepRows(series: readonly SweepSeries[], metric: SweepMetric): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const s of series) {
    s.points.forEach((point, index) => {
      for (const percentile of ['p50', 'p95'] as const) {
        const ms = metric === 'latency' ? (percentile === 'p50' ? point.latencyP50 : point.latencyP95) : percentile === 'p50' ? point.ttftP50 : point.ttftP95;
        if (ms === undefined) continue;
        rows.push({
          series: s.series,
          load: point.load,
          loadText: loadLabel(s.kind, point.load),
          requestsPerSec: point.requestsPerSec,
          outputTokensPerSec: point.outputTokensPerSec,
          percentile,
          ms,
          knee: s.knee === index,
        });
      }
    });
  }
  return rows;
}

function scaleOf(values: readonly number[]): { type?: 'log'; nice?: boolean; zero?: boolean } {
  return wantsLogScale(values) ? { type: 'log', nice: false } : { zero: true };
}

function panel(rows: readonly SweepRow[], x: 'requestsPerSec' | 'outputTokensPerSec', yTitle: string) {
  const xTitle = x === 'requestsPerSec' ? 'completed requests/s' : 'output tokens/s';
  const xScale = scaleOf(rows.map((r) => r[x]));
  const yScale = scaleOf(rows.map((r) => r.ms));
  const encoding = {
    x: { field: x, type: 'quantitative', title: `${xTitle}${xScale.type === 'log' ? ' (log)' : ''}`, scale: xScale },
    y: { field: 'ms', type: 'quantitative', title: `${yTitle}${yScale.type === 'log' ? ' (log)' : ''}`, scale: yScale },
  };
  return {
    width: Math.round(CHART_WIDTH * 0.55),
    height: 240,
    encoding,
    layer: [
      {
        mark: { type: 'line', point: { filled: true, size: 36 } },
        encoding: {
          color: { field: 'series', type: 'nominal', title: 'Model and parameters', sort: null },
          strokeDash: { field: 'percentile', type: 'nominal', title: 'Percentile', sort: ['p50', 'p95'] },
          detail: { field: 'percentile' },
          order: { field: 'load', type: 'quantitative' },
        },
      },
      {
        transform: [{ filter: 'datum.knee && datum.percentile === "p50"' }],
        mark: { type: 'point', shape: 'diamond', size: 260, filled: false, strokeWidth: 2, color: '#1b1f24' },
      },
      {
        transform: [{ filter: 'datum.knee && datum.percentile === "p50"' }],
        mark: { type: 'text', dy: -14, fontSize: 11, fontWeight: 'bold', color: '#1b1f24' },
        encoding: { text: { field: 'kneeText' } },
      },
    ],
  };
}

/** Two panels side by side: x = completed req/s, and x = output tok/s; y = the metric's p50 and p95. */
export function sweepChartSpec(series: readonly SweepSeries[], metric: SweepMetric): TopLevelSpec {
  const rows = sweepRows(series, metric);
  const yTitle = metric === 'latency' ? 'latency (ms)' : 'TTFT (ms)';
  return {
    data: { values: rows.map((row) => ({ ...row, kneeText: `knee ${row.loadText}` })) },
    hconcat: [panel(rows, 'requestsPerSec', yTitle), panel(rows, 'outputTokensPerSec', yTitle)],
  } as TopLevelSpec;
}
