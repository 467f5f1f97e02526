/** Cost per cell in CNY, for the cells whose cost is known; unknown costs are listed, never drawn as 0. */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { formatCny } from '../format.js';
import { barChartHeight, type BarDatum } from './bar-data.js';
import { CHART_WIDTH } from './theme.js';

export interface CostChartData {
  bars: BarDatum[];
  /** Labels of cells whose cost is unknown. */
  unknown: string[];
}

export function costChartData(cells: readonly CellSummary[]): CostChartData {
  const bars: BarDatum[] = [];
  const unknown: string[] = [];
  for (const cell of cells) {
    const cost = cell.cost;
    if (cost === undefined) continue;
    if (cost.cny === null) unknown.push(cell.label);
    else bars.push({ series: cell.label, kind: 'cost', value: cost.cny, text: `¥${formatCny(cost.cny)}` });
  }
  return { bars, unknown };
}

export function costChartSpec(bars: readonly BarDatum[]): TopLevelSpec {
  return {
    width: CHART_WIDTH - 200,
    height: barChartHeight(bars.length),
    data: { values: bars.map((d) => ({ ...d })) },
    encoding: {
      y: { field: 'series', type: 'nominal', title: null, sort: null },
      x: { field: 'value', type: 'quantitative', title: 'cost (CNY)' },
    },
    layer: [
      { mark: { type: 'bar', color: '#b07aa1' } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#1b1f24' }, encoding: { text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}
