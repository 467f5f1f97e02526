/**
 * Latency against load, for sweeps: cells that carry `load` (a concurrency or a request rate) are
 * drawn as p50 and p99 latency against that load, one line per model + parameter set.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { paramsLabel } from '../../metrics/cell-figures.js';
import type { CellLoad } from '../../metrics/types.js';
import { stat } from '../format.js';
import { CHART_WIDTH } from './theme.js';

export interface LoadPoint {
  /** Model and parameters: one line each. */
  series: string;
  load: number;
  percentile: 'p50' | 'p99';
  ms: number;
}

export interface LoadChartData {
  kind: CellLoad['kind'];
  points: LoadPoint[];
}

/**
 * One data set per load kind that varies among the cells (a sweep); none for a plain run, whose
 * cells all share one load point.
 */
export function loadChartData(cells: readonly CellSummary[]): LoadChartData[] {
  const byKind = new Map<CellLoad['kind'], LoadPoint[]>();
  for (const cell of cells) {
    const load = cell.load;
    if (load === undefined) continue;
    const params = paramsLabel(cell.params);
    const series = params === '' ? String(cell.model) : `${String(cell.model)} ${params}`;
    const points = byKind.get(load.kind) ?? [];
    for (const percentile of ['p50', 'p99'] as const) {
      const ms = stat(cell.latencyMs, percentile);
      if (ms !== undefined) points.push({ series, load: load.value, percentile, ms });
    }
    byKind.set(load.kind, points);
  }
  return [...byKind]
    .filter(([, points]) => new Set(points.map((p) => p.load)).size >= 2)
    .map(([kind, points]) => ({ kind, points: points.sort((a, b) => a.load - b.load) }));
}

export function loadAxisTitle(kind: CellLoad['kind']): string {
  return kind === 'concurrency' ? 'concurrency (requests in flight)' : 'offered rate (requests/s)';
}

export function loadChartSpec(data: LoadChartData): TopLevelSpec {
  return {
    width: CHART_WIDTH,
    height: 260,
    data: { values: data.points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: { filled: true, size: 40 } },
    encoding: {
      x: { field: 'load', type: 'quantitative', title: loadAxisTitle(data.kind), scale: { zero: false }, axis: { format: '~r' } },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'series', type: 'nominal', title: 'Model and parameters', sort: null },
      strokeDash: { field: 'percentile', type: 'nominal', title: 'Percentile', sort: ['p50', 'p99'] },
      shape: { field: 'percentile', type: 'nominal', title: 'Percentile', sort: ['p50', 'p99'] },
      detail: { field: 'percentile' },
    },
  } as TopLevelSpec;
}
