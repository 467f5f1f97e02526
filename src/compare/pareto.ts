/**
 * Pareto-optimal cells of a run over latency, cost and pass rate: the cells no other cell beats
 * on one of them without losing on another. Only the dimensions some cell has a figure for take
 * part; a cell without a figure in a dimension counts as the worst there. Pure.
 */
import { isFiniteNumber } from '../metrics/cell-figures.js';
import type { CellSummary } from '../metrics/types.js';
import { costPer1kRequests } from './objectives.js';

export interface ParetoDimension {
  id: 'latency.p50' | 'costPer1k' | 'passRate';
  label: string;
  direction: 'lower-is-better' | 'higher-is-better';
  value: (cell: CellSummary) => number | null;
}

export const PARETO_DIMENSIONS: readonly ParetoDimension[] = [
  { id: 'latency.p50', label: 'latency p50', direction: 'lower-is-better', value: (c) => (c.latencyMs.count > 0 ? c.latencyMs.p50 : null) },
  { id: 'costPer1k', label: 'cost per 1,000 requests', direction: 'lower-is-better', value: costPer1kRequests },
  {
    id: 'passRate',
    label: 'pass rate',
    direction: 'higher-is-better',
    value: (c) => (isFiniteNumber(c.assertions?.passRate) ? c.assertions.passRate : null),
  },
];

export interface ParetoResult {
  /** The dimensions that took part (some cell has a figure in each). */
  dimensions: ParetoDimension[];
  /** Ids of the Pareto-optimal cells, in run order; empty when no dimension took part. */
  optimal: string[];
}

/** Larger is better, missing is worst. */
function goodness(dimension: ParetoDimension, cell: CellSummary): number {
  const value = dimension.value(cell);
  if (!isFiniteNumber(value)) return -Infinity;
  return dimension.direction === 'lower-is-better' ? -value : value;
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return false;
    if (a[i]! > b[i]!) strictly = true;
  }
  return strictly;
}

export function paretoCells(cells: readonly CellSummary[], dimensions: readonly ParetoDimension[] = PARETO_DIMENSIONS): ParetoResult {
  const present = dimensions.filter((dimension) => cells.some((cell) => isFiniteNumber(dimension.value(cell))));
  if (present.length === 0) return { dimensions: [], optimal: [] };
  const scores = cells.map((cell) => present.map((dimension) => goodness(dimension, cell)));
  const optimal = cells
    .filter((_cell, i) => scores[i]!.some(Number.isFinite) && !scores.some((other, j) => j !== i && dominates(other, scores[i]!)))
    .map((cell) => cell.id);
  return { dimensions: present, optimal };
}
