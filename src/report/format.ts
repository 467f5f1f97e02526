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
