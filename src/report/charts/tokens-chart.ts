/** Mean prompt and completion tokens per ok request, per cell, as stacked horizontal bars. */
import type { TopLevelSpec } from 'vega-lite';
import type { CellSummary } from '../../metrics/types.js';
import { isFiniteNumber } from '../format.js';
import { barChartHeight, type BarDatum } from './bar-data.js';
import { CHART_WIDTH } from './theme.js';

export function tokensChartData(cells: readonly CellSummary[]): BarDatum[] {
  const data: BarDatum[] = [];
  for (const cell of cells) {
    const ok = cell.outcomes.ok;
    if (ok === 0) continue;
    for (const [kind, total] of [
      ['prompt', cell.tokens.prompt],
      ['completion', cell.tokens.completion],
    ] as const) {
      if (!isFiniteNumber(total)) continue;
      const mean = total / ok;
      data.push({ series: cell.label, kind, value: mean, text: mean.toFixed(0) });
    }
  }
  return data;
}

export function tokensChartSpec(data: readonly BarDatum[]): TopLevelSpec {
  const cells = new Set(data.map((d) => d.series)).size;
  return {
    width: CHART_WIDTH - 200,
    height: barChartHeight(cells),
    data: { values: data.map((d) => ({ ...d })) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'series', type: 'nominal', title: null, sort: null },
      x: { field: 'value', type: 'quantitative', title: 'tokens per ok request (mean)', stack: 'zero' },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: ['prompt', 'completion'], range: ['#9c755f', '#59a14f'] },
      },
      order: { field: 'kind', sort: 'descending' },
    },
  } as TopLevelSpec;
}
