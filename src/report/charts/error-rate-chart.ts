/**
 * Error and throttle rate per cell, as grouped horizontal bars. Error rate = (failed + timeout) /
 * concluded, throttled apart (src/report/format.ts defines both once for every output).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { cellRates, isFiniteNumber } from '../format.js';
import { barChartHeight, type BarDatum } from './bar-data.js';
import { CHART_WIDTH } from './theme.js';

export function errorRateChartData(cells: readonly CellSummary[]): BarDatum[] {
  const data: BarDatum[] = [];
  for (const cell of cells) {
    const rates = cellRates(cell);
    for (const [kind, rate] of [
      ['error rate', rates.errorRate],
      ['throttled rate', rates.throttledRate],
    ] as const) {
      if (!isFiniteNumber(rate)) continue;
      data.push({ series: cell.label, kind, value: rate * 100, text: `${(rate * 100).toFixed(1)}%` });
    }
  }
  return data;
}

export function errorRateChartSpec(data: readonly BarDatum[]): TopLevelSpec {
  const cells = new Set(data.map((d) => d.series)).size;
  const max = Math.max(1, ...data.map((d) => d.value));
  return {
    width: CHART_WIDTH - 200,
    height: barChartHeight(cells, 34),
    data: { values: data.map((d) => ({ ...d })) },
    encoding: {
      y: { field: 'series', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'kind', type: 'nominal', sort: ['error rate', 'throttled rate'] },
      x: { field: 'value', type: 'quantitative', title: '% of concluded requests', scale: { domain: [0, Math.min(100, max * 1.15)] } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['error rate', 'throttled rate'], range: ['#e15759', '#edc948'] },
          },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#1b1f24' }, encoding: { text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}
