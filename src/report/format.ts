/**
 * Small helpers shared by the report writers: number formatting, plus the cell figures
 * (metrics/cell-figures.ts) every output (CSV, HTML, terminal) must compute the same way.
 */
import { isFiniteNumber } from '../metrics/cell-figures.js';

export { cellRates, hasReasoning, hasSamples, isFiniteNumber, stat, type CellRates } from '../metrics/cell-figures.js';
export { formatCny } from '../util/format-cny.js';

/** `value` with `digits` decimals, or `empty` when there is no value. */
export function fixed(value: number | null | undefined, digits: number, empty = ''): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : empty;
}

/**
 * Decimals that give the smallest amount of a column three significant digits (2 to 8), so every
 * row of the column has the same precision: no `0.00` beside `0.320`.
 */
export function costDecimals(values: ReadonlyArray<number | null | undefined>): number {
  const positive = values.filter((value): value is number => isFiniteNumber(value) && value > 0);
  if (positive.length === 0) return 2;
  const smallest = Math.min(...positive);
  if (smallest >= 100) return 2;
  return Math.min(8, Math.max(2, 2 - Math.floor(Math.log10(smallest))));
}
