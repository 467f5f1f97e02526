/** Throughput per cell: output tokens per second and requests per second, as horizontal bars. */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { isFiniteNumber } from '../format.js';
import { barChartHeight, type BarDatum } from './bar-data.js';
import { CHART_WIDTH } from './theme.js';

export function throughputChartData(cells: readonly CellSummary[]): BarDatum[] {
  const data: BarDatum[] = [];
  for (const cell of cells) {
    const t = cell.throughput;
    if (isFiniteNumber(t?.outputTokensPerSec)) {
      data.push({ series: cell.label, kind: 'output tokens/s', value: t.outputTokensPerSec, text: t.outputTokensPerSec.toFixed(1) });
    }
    if (isFiniteNumber(t?.requestsPerSec)) {
      data.push({ series: cell.label, kind: 'requests/s', value: t.requestsPerSec, text: t.requestsPerSec.toFixed(2) });
    }
  }
  return data;
}

function barPanel(data: readonly BarDatum[], kind: string, color: string, cells: number): TopLevelSpec {
  return {
    width: CHART_WIDTH - 200,
    height: barChartHeight(cells),
    title: kind,
    data: { values: data.filter((d) => d.kind === kind).map((d) => ({ ...d })) },
    encoding: {
      y: { field: 'series', type: 'nominal', title: null, sort: null },
      x: { field: 'value', type: 'quantitative', title: kind },
    },
    layer: [
      { mark: { type: 'bar', color } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#1b1f24' }, encoding: { text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

export function throughputChartSpec(data: readonly BarDatum[]): TopLevelSpec {
  const cells = new Set(data.map((d) => d.series)).size;
  return {
    vconcat: [barPanel(data, 'output tokens/s', '#4e79a7', cells), barPanel(data, 'requests/s', '#76b7b2', cells)],
  } as TopLevelSpec;
}
