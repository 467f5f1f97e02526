/**
 * Sweep figures (several -c or --rate values: one stage per load point): per model + parameter
 * set, throughput against latency and TTFT at each load point, and where the curve bends (the
 * knee). Pure data, no Vega.
 *
 * The knee, precisely: walking the load points upward, a step "pays" when completed requests/s
 * rose by at least half as much, relatively, as the load did (KNEE_MIN_THROUGHPUT_SHARE) and
 * latency p50 rose by less than 50% (KNEE_MAX_LATENCY_GROWTH). The knee is the load point before
 * the first step that does not pay; when every step pays, the sweep never reached one.
 */
import { paramsLabel } from '../../metrics/cell-figures.js';
import type { CellLoad, CellSummary } from '../../metrics/types.js';
import { isFiniteNumber, stat } from '../format.js';

/** A step up must turn at least this share of its relative load increase into more throughput. */
export const KNEE_MIN_THROUGHPUT_SHARE = 0.5;
/** ...and raise latency p50 by less than this share. */
export const KNEE_MAX_LATENCY_GROWTH = 0.5;
/** An axis spanning more than this ratio (max / min) is drawn on a log scale. */
export const LOG_AXIS_RATIO = 10;

export interface SweepPoint {
  series: string;
  load: number;
  requestsPerSec: number;
  outputTokensPerSec: number;
  latencyP50?: number;
  latencyP95?: number;
  ttftP50?: number;
  ttftP95?: number;
}

export interface SweepSeries {
  series: string;
  kind: CellLoad['kind'];
  /** Ascending load. */
  points: SweepPoint[];
  /** Index into `points` of the knee; undefined when every step paid (no knee in the range swept). */
  knee?: number;
}

export function seriesLabel(cell: Pick<CellSummary, 'model' | 'params'>): string {
  const params = paramsLabel(cell.params);
  return params === '' ? String(cell.model) : `${String(cell.model)} ${params}`;
}

/** `concurrency 4` or `2 req/s`. */
export function loadLabel(kind: CellLoad['kind'], value: number): string {
  return kind === 'concurrency' ? `c=${value}` : `${value} req/s`;
}

/** Relative growth from `before` to `after` (Infinity from 0 to more, 0 from 0 to 0). */
function growth(before: number, after: number): number {
  if (before === 0) return after > 0 ? Infinity : 0;
  return after / before - 1;
}

/** The knee's index under the definition above, or undefined when no step failed to pay. */
export function findKnee(points: ReadonlyArray<Pick<SweepPoint, 'load' | 'requestsPerSec' | 'latencyP50'>>): number | undefined {
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1]!;
    const after = points[i]!;
    const loadGrowth = growth(before.load, after.load);
    const throughputGrowth = growth(before.requestsPerSec, after.requestsPerSec);
    const latencyGrowth = isFiniteNumber(before.latencyP50) && isFiniteNumber(after.latencyP50) ? growth(before.latencyP50, after.latencyP50) : 0;
    const pays = throughputGrowth >= KNEE_MIN_THROUGHPUT_SHARE * loadGrowth && latencyGrowth < KNEE_MAX_LATENCY_GROWTH;
    if (!pays) return i - 1;
  }
  return undefined;
}

/** True when positive values span more than LOG_AXIS_RATIO (a linear axis would squash the low end). */
export function wantsLogScale(values: readonly number[]): boolean {
  const positive = values.filter((v) => isFiniteNumber(v) && v > 0);
  if (positive.length < 2 || positive.length < values.filter(isFiniteNumber).length) return false;
  return Math.max(...positive) / Math.min(...positive) > LOG_AXIS_RATIO;
}

/** One series per model + parameter set whose cells sit at two or more load points of one kind. */
export function sweepSeries(cells: readonly CellSummary[]): SweepSeries[] {
  const groups = new Map<string, { kind: CellLoad['kind']; series: string; points: SweepPoint[] }>();
  for (const cell of cells) {
    const load = cell.load;
    if (load === undefined) continue;
    const series = seriesLabel(cell);
    const key = `${load.kind}\u0000${series}`;
    const group = groups.get(key) ?? { kind: load.kind, series, points: [] };
    const point: SweepPoint = {
      series,
      load: load.value,
      requestsPerSec: cell.throughput.requestsPerSec,
      outputTokensPerSec: cell.throughput.outputTokensPerSec,
    };
    const figures = {
      latencyP50: stat(cell.latencyMs, 'p50'),
      latencyP95: stat(cell.latencyMs, 'p95'),
      ttftP50: stat(cell.ttftMs, 'p50'),
      ttftP95: stat(cell.ttftMs, 'p95'),
    };
    for (const [name, value] of Object.entries(figures) as Array<[keyof typeof figures, number | undefined]>) {
      if (value !== undefined) point[name] = value;
    }
    group.points.push(point);
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((group) => new Set(group.points.map((p) => p.load)).size >= 2)
    .map((group) => {
      const points = group.points.sort((a, b) => a.load - b.load);
      const knee = findKnee(points);
      return { series: group.series, kind: group.kind, points, ...(knee !== undefined ? { knee } : {}) };
    });
}

/** One sentence per series: where its knee is, or that the sweep never reached one. */
export function kneeSentences(series: readonly SweepSeries[]): string[] {
  return series.map((s) => {
    if (s.knee === undefined) return `${s.series}: no knee up to ${loadLabel(s.kind, s.points[s.points.length - 1]!.load)} (throughput still grew with load).`;
    const knee = s.points[s.knee]!;
    const next = s.points[s.knee + 1];
    const after = next !== undefined ? `; at ${loadLabel(s.kind, next.load)} it gave ${next.requestsPerSec.toFixed(2)} req/s` : '';
    const latency = isFiniteNumber(knee.latencyP50) ? `, latency p50 ${knee.latencyP50.toFixed(0)} ms` : '';
    return `${s.series}: knee at ${loadLabel(s.kind, knee.load)} (${knee.requestsPerSec.toFixed(2)} req/s${latency})${after}.`;
  });
}

export const KNEE_DEFINITION =
  `Knee: walking the load points upward, the last one before the first step where completed req/s rose by less than ` +
  `${KNEE_MIN_THROUGHPUT_SHARE * 100}% of the relative load increase, or latency p50 rose by ${KNEE_MAX_LATENCY_GROWTH * 100}% or more.`;
