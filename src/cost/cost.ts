/**
 * Cost arithmetic: tokens x price per 1,000. An unknown price makes an unknown cost (null), and
 * anything added to an unknown is unknown: a sum is never quietly short of a model nobody priced.
 */
import type { PriceRef } from '../metrics/types.js';
import type { PriceEntry } from './prices.js';

export interface TokenCost {
  inputCny: number;
  outputCny: number;
  cny: number;
}

/** Amounts are kept to a millionth of a yuan, so float noise never shows in a report. */
export function roundCny(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function priceRef(entry: PriceEntry): PriceRef {
  return { model: entry.model, inputPer1k: entry.inputPer1k, outputPer1k: entry.outputPer1k, effectiveFrom: entry.effectiveFrom, source: entry.source };
}

/** What `promptTokens` and `completionTokens` cost at `price`; null when there is no price. */
export function costOfTokens(
  price: Pick<PriceRef, 'inputPer1k' | 'outputPer1k'> | undefined | null,
  promptTokens: number,
  completionTokens: number,
): TokenCost | null {
  if (price === undefined || price === null) return null;
  const inputCny = (promptTokens / 1000) * price.inputPer1k;
  const outputCny = (completionTokens / 1000) * price.outputPer1k;
  return { inputCny: roundCny(inputCny), outputCny: roundCny(outputCny), cny: roundCny(inputCny + outputCny) };
}

/** a + b, unknown when either is. */
export function addCny(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : roundCny(a + b);
}

export function scaleCny(value: number | null, factor: number): number | null {
  return value === null ? null : roundCny(value * factor);
}
