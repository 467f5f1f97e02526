/**
 * Rates per stage of a sweep: what the schedule offered (open loop: the diagonal an ideal endpoint
 * follows), what completed, and the goodput (requests meeting every per-request bound of --slo)
 * when the run has an SLO, with the highest load that met the SLO marked.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CellLoad, RunSummary } from '../../metrics/types.js';
import { isFiniteNumber } from '../format.js';
import { loadAxisTitle } from './load-chart.js';
import { loadLabel, wantsLogScale } from './sweep-data.js';
import { CHART_WIDTH } from './theme.js';

export type StageRateSeries = 'offered' | 'completed' | 'goodput (met the SLO)';

export interface StageRatePoint {
  load: number;
  series: StageRateSeries;
  perSec: number;
}

export interface StageRateData {
  kind: CellLoad['kind'];
  points: StageRatePoint[];
  /** The highest load whose stage met the SLO, when the run has one and some stage met it. */
  highestMeeting?: number;
  /** The run has an SLO (goodput is drawn). */
  slo: boolean;
}

/** Undefined unless two or more stages of one load kind ran (a sweep). */
export function stageRateData(summary: Pick<RunSummary, 'stages' | 'cells' | 'slo'>): StageRateData | undefined {
  const stages = summary.stages ?? [];
  const kind = stages[0]?.load.kind;
  if (kind === undefined) return undefined;
  const same = stages.filter((stage) => stage.load.kind === kind);
  if (new Set(same.map((stage) => stage.load.value)).size < 2) return undefined;
  const slo = summary.slo !== undefined;
  const points: StageRatePoint[] = [];
  for (const stage of same) {
    const load = stage.load.value;
    if (isFiniteNumber(stage.offeredRatePerSec)) points.push({ load, series: 'offered', perSec: stage.offeredRatePerSec });
    points.push({ load, series: 'completed', perSec: stage.completedRatePerSec });
    if (slo && stage.windowMs > 0) {
      const cells = summary.cells.filter((cell) => cell.load?.kind === kind && cell.load.value === load);
      if (cells.some((cell) => cell.goodput !== undefined)) {
        const met = cells.reduce((sum, cell) => sum + (cell.goodput?.met ?? 0), 0);
        points.push({ load, series: 'goodput (met the SLO)', perSec: met / (stage.windowMs / 1000) });
      }
    }
  }
  const highest = summary.slo?.highestMeeting;
  return {
    kind,
    points: points.sort((a, b) => a.load - b.load),
    slo,
    ...(highest !== undefined && highest.kind === kind ? { highestMeeting: highest.value } : {}),
  };
}

export function stageRateSpec(data: StageRateData): TopLevelSpec {
  const xLog = wantsLogScale(data.points.map((p) => p.load));
  const yLog = wantsLogScale(data.points.map((p) => p.perSec));
  const styles: Record<StageRateSeries, { color: string; dash: number[] }> = {
    offered: { color: '#9aa3ad', dash: [4, 3] },
    completed: { color: '#4e79a7', dash: [1, 0] },
    'goodput (met the SLO)': { color: '#59a14f', dash: [1, 0] },
  };
  // Only the series drawn get a legend entry (a closed loop offers no rate).
  const series = (Object.keys(styles) as StageRateSeries[]).filter((name) => data.points.some((p) => p.series === name));
  const layers: unknown[] = [
    {
      data: { values: data.points.map((p) => ({ ...p })) },
      mark: { type: 'line', point: { filled: true, size: 36 } },
      encoding: {
        x: {
          field: 'load',
          type: 'quantitative',
          title: `${loadAxisTitle(data.kind)}${xLog ? ' (log)' : ''}`,
          scale: xLog ? { type: 'log', nice: false } : { zero: false },
          // Concurrency comes in whole requests.
          ...(data.kind === 'concurrency' ? { axis: { tickMinStep: 1 } } : {}),
        },
        y: {
          field: 'perSec',
          type: 'quantitative',
          title: `requests/s${yLog ? ' (log)' : ''}`,
          scale: yLog ? { type: 'log', nice: false } : { zero: true },
        },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: series.map((name) => styles[name].color) } },
        strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: series.map((name) => styles[name].dash) } },
      },
    },
  ];
  if (data.highestMeeting !== undefined) {
    const mark = [{ load: data.highestMeeting, text: `SLO met up to ${loadLabel(data.kind, data.highestMeeting)}` }];
    layers.push(
      { data: { values: mark }, mark: { type: 'rule', color: '#59a14f', strokeWidth: 2 }, encoding: { x: { field: 'load', type: 'quantitative' } } },
      {
        data: { values: mark },
        mark: { type: 'text', align: 'left', dx: 4, y: 8, fontSize: 11, fontWeight: 'bold', color: '#1a7f37' },
        encoding: { x: { field: 'load', type: 'quantitative' }, text: { field: 'text' } },
      },
    );
  }
  return { width: CHART_WIDTH, height: 240, layer: layers } as TopLevelSpec;
}
