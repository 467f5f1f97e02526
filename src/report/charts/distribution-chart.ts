/** Latency or TTFT distribution per cell as cumulative curves, one line per cell. */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { cellCdf, type CdfPoint, type DistributionMetric } from './distribution-data.js';
import { CHART_WIDTH } from './theme.js';

export interface DistributionChartData {
  points: CdfPoint[];
  /** Labels of cells drawn from summary percentiles (no histogram in the summary). */
  approximated: string[];
}

export function distributionChartData(cells: readonly CellSummary[], metric: DistributionMetric): DistributionChartData {
  const points: CdfPoint[] = [];
  const approximated: string[] = [];
  for (const cell of cells) {
    const cdf = cellCdf(cell, metric);
    points.push(...cdf.points);
    if (cdf.source === 'summary') approximated.push(cell.label);
  }
  return { points, approximated };
}

export function distributionChartSpec(points: readonly CdfPoint[], axisTitle: string): TopLevelSpec {
  return {
    width: CHART_WIDTH,
    height: 260,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', interpolate: 'linear', point: false },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: axisTitle, scale: { zero: false, nice: true } },
      y: { field: 'percentile', type: 'quantitative', title: '% of ok requests at or below', scale: { domain: [0, 100] } },
      color: { field: 'series', type: 'nominal', title: 'Cell', sort: null },
      order: { field: 'percentile', type: 'quantitative' },
    },
  };
}
