/** Low / expected / high figures added, scaled and priced together; an unknown cost (null) stays unknown in any sum. */
import type { EstimateRange, PriceRef } from '../metrics/types.js';
import { addCny, costOfTokens, scaleCny } from './cost.js';

export const ZERO_RANGE: EstimateRange = { low: 0, expected: 0, high: 0 };
export const ZERO_COST: EstimateRange<number | null> = { low: 0, expected: 0, high: 0 };
export const UNKNOWN_COST: EstimateRange<number | null> = { low: null, expected: null, high: null };

/** What `input` prompt tokens and each figure of `output` cost at `price`. */
export function costRange(price: PriceRef | null, input: number, output: EstimateRange): EstimateRange<number | null> {
  const at = (tokens: number): number | null => costOfTokens(price, input, tokens)?.cny ?? null;
  return { low: at(output.low), expected: at(output.expected), high: at(output.high) };
}

export function addRange(a: EstimateRange, b: EstimateRange): EstimateRange {
  return { low: a.low + b.low, expected: a.expected + b.expected, high: a.high + b.high };
}

export function addCostRange(a: EstimateRange<number | null>, b: EstimateRange<number | null>): EstimateRange<number | null> {
  return { low: addCny(a.low, b.low), expected: addCny(a.expected, b.expected), high: addCny(a.high, b.high) };
}

export function scaleCostRange(range: EstimateRange<number | null>, factor: number): EstimateRange<number | null> {
  return { low: scaleCny(range.low, factor), expected: scaleCny(range.expected, factor), high: scaleCny(range.high, factor) };
}
