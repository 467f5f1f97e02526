/**
 * Token usage as v1 and OpenAI-style bodies carry it: `{prompt_tokens, completion_tokens,
 * total_tokens}`, possibly `null` on intermediate stream chunks.
 */
import type { Usage } from './types.js';

/** Usage from a body or chunk, when it carries one. */
export function usageFrom(body: Record<string, unknown>): Usage | undefined {
  const usage = body.usage as Record<string, unknown> | null | undefined;
  if (typeof usage !== 'object' || usage === null) return undefined;
  const promptTokens = Number(usage.prompt_tokens ?? 0);
  const completionTokens = Number(usage.completion_tokens ?? 0);
  const totalTokens = Number(usage.total_tokens ?? promptTokens + completionTokens);
  if (![promptTokens, completionTokens, totalTokens].every(Number.isFinite)) return undefined;
  return { promptTokens, completionTokens, totalTokens };
}
