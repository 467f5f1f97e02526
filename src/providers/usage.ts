/**
 * Token usage as v1 and OpenAI-style bodies carry it: `{prompt_tokens, completion_tokens,
 * total_tokens}`, possibly `null` on intermediate stream chunks. A count from a server (or a
 * recording) is not trusted: it feeds histograms, the limiter and the cost, so an absurd one
 * (2^53, -1, 1e300, "12") fails the request with `invalid_usage` instead of reaching them.
 */
import type { ProviderError, Usage } from './types.js';

/** Usage that is present but cannot be true, and why. */
export interface InvalidUsage {
  invalid: string;
}

export function isInvalidUsage(value: Usage | InvalidUsage | undefined): value is InvalidUsage {
  return value !== undefined && 'invalid' in value;
}

/** Not retried (`fatal`): the same server would count the same way again. */
export function invalidUsageError(reason: string): ProviderError {
  return { class: 'fatal', code: 'invalid_usage', message: `invalid_usage: ${reason}` };
}

/**
 * Usage from a body or chunk: undefined when it carries none, InvalidUsage when a count is not a
 * non-negative safe integer (a string such as "12" included) or the total is less than its parts.
 * A missing prompt or completion count is 0 (embeddings have no completion); a missing total is
 * their sum. A total above the sum is accepted: a server may count tokens of its own (plugins,
 * cached context) in it; implausibleUsage bounds it.
 */
export function usageFrom(body: Record<string, unknown>): Usage | InvalidUsage | undefined {
  const usage = body.usage as Record<string, unknown> | null | undefined;
  if (typeof usage !== 'object' || usage === null) return undefined;
  const checked = checkedUsage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, [
    'usage.prompt_tokens',
    'usage.completion_tokens',
    'usage.total_tokens',
  ]);
  return isInvalidUsage(checked) ? checked : withReasoningTokens(checked, usage.completion_tokens_details);
}

/**
 * OpenAI-style `completion_tokens_details.reasoning_tokens`: a part of completion_tokens, so never
 * more than it. Absent or null details leave the usage as it is.
 */
function withReasoningTokens(usage: Usage, details: unknown): Usage | InvalidUsage {
  if (typeof details !== 'object' || details === null) return usage;
  const raw = (details as Record<string, unknown>).reasoning_tokens;
  if (raw === undefined || raw === null) return usage;
  const reasoningTokens = tokenCount(raw);
  if (reasoningTokens === undefined) return { invalid: `usage.completion_tokens_details.reasoning_tokens is ${shown(raw)}, not a non-negative integer` };
  if (reasoningTokens > usage.completionTokens)
    return { invalid: `usage.completion_tokens_details.reasoning_tokens ${reasoningTokens} is more than completion_tokens ${usage.completionTokens}` };
  return { ...usage, reasoningTokens };
}

function checkedUsage(prompt: unknown, completion: unknown, total: unknown, names: readonly [string, string, string]): Usage | InvalidUsage {
  const promptTokens = tokenCount(prompt ?? 0);
  const completionTokens = tokenCount(completion ?? 0);
  if (promptTokens === undefined) return { invalid: `${names[0]} is ${shown(prompt)}, not a non-negative integer` };
  if (completionTokens === undefined) return { invalid: `${names[1]} is ${shown(completion)}, not a non-negative integer` };
  const totalTokens = tokenCount(total ?? promptTokens + completionTokens);
  if (totalTokens === undefined) return { invalid: `${names[2]} is ${shown(total)}, not a non-negative integer` };
  if (totalTokens < promptTokens + completionTokens)
    return { invalid: `${names[2]} ${totalTokens} is less than prompt ${promptTokens} + completion ${completionTokens}` };
  return { promptTokens, completionTokens, totalTokens };
}

function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * The plausibility rule, deliberately generous: a text of L UTF-16 code units is at most 4L tokens
 * (no tokenizer spends more than one token per UTF-8 byte, and a code unit is at most 3 of them,
 * the 4th is slack), plus HIDDEN_TOKENS the server may count without sending the text: reasoning,
 * tool calls, its own system prompt or search results. So the prompt is bounded by the request
 * sent, the completion by the answer received, the total by both. Only impossible counts fail.
 */
const TOKENS_PER_CODE_UNIT = 4;
const HIDDEN_TOKENS = 131_072;

/** Why `usage` cannot be the count of this exchange, or undefined when it can. */
export function implausibleUsage(usage: Usage, answerText: string, requestText: string): string | undefined {
  const promptLimit = TOKENS_PER_CODE_UNIT * requestText.length + HIDDEN_TOKENS;
  const completionLimit = TOKENS_PER_CODE_UNIT * answerText.length + HIDDEN_TOKENS;
  if (usage.promptTokens > promptLimit)
    return `prompt_tokens ${usage.promptTokens} for a request of ${requestText.length} characters (at most ${promptLimit} is plausible)`;
  if (usage.completionTokens > completionLimit)
    return `completion_tokens ${usage.completionTokens} for an answer of ${answerText.length} characters (at most ${completionLimit} is plausible)`;
  if (usage.totalTokens > promptLimit + completionLimit)
    return `total_tokens ${usage.totalTokens} is more than the request and answer can hold (at most ${promptLimit + completionLimit})`;
  return undefined;
}

/** Why a recorded usage (`{promptTokens, completionTokens, totalTokens}`) cannot be true, or undefined. */
export function recordedUsageProblem(usage: unknown, answerText: string, requestText: string): string | undefined {
  if (typeof usage !== 'object' || usage === null) return `usage is ${shown(usage)}, not an object`;
  const record = usage as Record<string, unknown>;
  const checked = checkedUsage(record.promptTokens, record.completionTokens, record.totalTokens, [
    'usage.promptTokens',
    'usage.completionTokens',
    'usage.totalTokens',
  ]);
  return isInvalidUsage(checked) ? checked.invalid : implausibleUsage(checked, answerText, requestText);
}
