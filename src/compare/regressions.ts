/** Which matched cells regressed, and in what: the one-line account `compare --fail-on-regression` and `--baseline` give. */
import { formatPEquals, formatValue } from './format.js';
import type { CellComparison, ComparisonResult, MetricDelta } from './types.js';

/** `pass rate 100.00% → 0.00% (p = 0.031)`, or the metric's name for any other delta. */
export function regressionName(delta: MetricDelta): string {
  if (delta.metric !== 'passRate') return delta.label;
  return `${delta.label} ${formatValue(delta.unit, delta.base)} → ${formatValue(delta.unit, delta.candidate)} (${formatPEquals(delta.pValue)})`;
}

export interface RegressedCell {
  cell: CellComparison;
  /** The regressed metrics, named as `regressionName` does. */
  names: string[];
}

export function regressedCells(result: ComparisonResult): RegressedCell[] {
  return result.matched
    .map((cell) => ({ cell, names: cell.deltas.filter((delta) => delta.verdict === 'regression').map(regressionName) }))
    .filter((entry) => entry.names.length > 0);
}
