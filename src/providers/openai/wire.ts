/**
 * OpenAI-compatible (Qianfan v2) request bodies and response fields (qianfan-api.md §6). Pure
 * functions, no I/O.
 */
import { v2RerankerBody } from '../reranker.js';
import type { Params, ProviderRequest } from '../types.js';
export { usageFrom } from '../usage.js';

/** `{baseUrl}/chat/completions`, keeping any query string; a base already ending in it is kept. */
export function chatCompletionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/chat/completions') ? path : `${path}/chat/completions`;
  return url.toString();
}

/**
 * qfbench parameters use the v1 names; these are their v2 / OpenAI names. `min_output_tokens` has
 * no v2 counterpart and is dropped. Names not listed pass through unchanged (v2 names given as
 * such included), and a v2 name given explicitly wins over the v1 one.
 */
const RENAMED: Readonly<Record<string, string>> = {
  max_output_tokens: 'max_tokens',
  user_id: 'user',
};
const DROPPED: ReadonlySet<string> = new Set(['min_output_tokens']);

export function openAIParams(params: Params): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (DROPPED.has(name)) continue;
    const v2Name = RENAMED[name];
    if (v2Name !== undefined) {
      if (!(v2Name in params)) mapped[v2Name] = value;
      continue;
    }
    // v1 takes response_format as a string, v2 as an object.
    mapped[name] = name === 'response_format' && typeof value === 'string' ? { type: value } : value;
  }
  return mapped;
}

/** `{baseUrl}/embeddings`, the sibling of chat completions. */
export function embeddingsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '')}/embeddings`;
  return url.toString();
}

/** The JSON body; `system` becomes a leading system message. Embeddings send the last user turn as `input`. */
export function openAIBody(request: ProviderRequest): string {
  if (request.api === 'reranker') return v2RerankerBody(request);
  if (request.api === 'embeddings') {
    return JSON.stringify({ model: request.model, input: [request.messages.at(-1)?.content ?? ''] });
  }
  const messages: Array<{ role: string; content: string }> = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push({ role: message.role, content: message.content });
  const body: Record<string, unknown> = { model: request.model, messages, ...openAIParams(request.params) };
  body.stream = request.stream;
  if (request.stream) body.stream_options = { include_usage: true };
  return JSON.stringify(body);
}

function firstChoice(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = body.choices;
  if (!Array.isArray(choices)) return undefined;
  const choice: unknown = choices[0];
  return choice !== null && typeof choice === 'object' ? (choice as Record<string, unknown>) : undefined;
}

/** `choices[0].delta.content` of a stream chunk; '' for role-only, empty and usage-only chunks. */
export function deltaTextOf(chunk: Record<string, unknown>): string {
  const delta = firstChoice(chunk)?.delta as Record<string, unknown> | undefined;
  return typeof delta?.content === 'string' ? delta.content : '';
}

/** `choices[0].delta.reasoning_content` of a reasoning model's stream chunk; '' when it has none. */
export function deltaReasoningOf(chunk: Record<string, unknown>): string {
  const delta = firstChoice(chunk)?.delta as Record<string, unknown> | undefined;
  return typeof delta?.reasoning_content === 'string' ? delta.reasoning_content : '';
}

/** `choices[0].message.content` of a sync answer. */
export function messageTextOf(body: Record<string, unknown>): string {
  const message = firstChoice(body)?.message as Record<string, unknown> | undefined;
  return typeof message?.content === 'string' ? message.content : '';
}

export function finishReasonOf(body: Record<string, unknown>): string | undefined {
  const reason = firstChoice(body)?.finish_reason;
  return typeof reason === 'string' && reason !== '' ? reason : undefined;
}
