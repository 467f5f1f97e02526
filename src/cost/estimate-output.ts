/**
 * Output tokens per request, low / expected / high, of one cell:
 *   high      max_output_tokens of the cell, else the model's default (catalog), else 1024;
 *   expected  the cell's mean completion in an earlier run (--from), else DEFAULT_EXPECTED_OUTPUT_TOKENS;
 *   low       the cell's shortest completion in that run, else DEFAULT_LOW_OUTPUT_TOKENS;
 * all capped at high and raised to min_output_tokens; embeddings have none.
 */
import { stableParams } from '../metrics/cell-figures.js';
import type { EstimateRange } from '../metrics/types.js';
import type { CellPlan } from '../plan/plan.js';
import type { ModelEntry } from '../qianfan/spec/catalog.js';
import type { EarlierRun } from './estimate-types.js';
import { generatesText } from '../providers/api-kinds.js';

/** Output tokens per request assumed when no earlier run says better (the limiter's own first guess is 200). */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 200;
/** The lower assumption: a short answer of a sentence or two. */
export const DEFAULT_LOW_OUTPUT_TOKENS = 32;
/** A custom endpoint's default output ceiling when no --base-model says otherwise (Qianfan's 1024). */
const FALLBACK_MAX_OUTPUT_TOKENS = 1024;

export interface OutputGuess {
  perRequest: EstimateRange;
  from: 'earlier run' | 'assumption';
}

/** Mean and shortest completion of the earlier run's cells with this model and these parameters (over every stage). */
function earlierCompletion(earlier: EarlierRun | undefined, model: string, params: Record<string, unknown>): { mean: number; min: number } | undefined {
  if (earlier === undefined) return undefined;
  const key = stableParams(params);
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const cell of earlier.cells) {
    if (cell.model.toLowerCase() !== model.toLowerCase() || stableParams(cell.params) !== key) continue;
    const dist = cell.completionTokensPerRequest;
    if (!(dist.count > 0) || !Number.isFinite(dist.mean) || !Number.isFinite(dist.min)) continue;
    count += dist.count;
    sum += dist.mean * dist.count;
    min = Math.min(min, dist.min);
  }
  return count > 0 ? { mean: sum / count, min } : undefined;
}

/** `entry` is the cell's catalog model (none for an --endpoint of the user's own), `baseModel` what --base-model names. */
export function outputGuess(cell: CellPlan, entry: ModelEntry | undefined, baseModel: ModelEntry | undefined, earlier: EarlierRun | undefined): OutputGuess {
  if (!generatesText(cell.api)) return { perRequest: { low: 0, expected: 0, high: 0 }, from: 'assumption' };
  const cap = cell.params.max_output_tokens;
  const high = typeof cap === 'number' ? cap : (entry?.defaultMaxOutputTokens ?? baseModel?.defaultMaxOutputTokens ?? FALLBACK_MAX_OUTPUT_TOKENS);
  const floorParam = cell.params.min_output_tokens;
  const floor = Math.min(high, typeof floorParam === 'number' ? floorParam : 0);
  const clamp = (value: number): number => Math.min(high, Math.max(floor, value));
  const seen = earlierCompletion(earlier, cell.model, cell.params);
  if (seen !== undefined) {
    return { perRequest: { low: clamp(seen.min), expected: Math.round(clamp(seen.mean) * 10) / 10, high }, from: 'earlier run' };
  }
  return { perRequest: { low: clamp(DEFAULT_LOW_OUTPUT_TOKENS), expected: clamp(DEFAULT_EXPECTED_OUTPUT_TOKENS), high }, from: 'assumption' };
}
