/**
 * v1 request bodies and response fields (qianfan-api.md sections 2-4). Pure functions, no I/O.
 */
import { describeEmbeddings } from '../embeddings.js';
import { describeRanking, v1RerankerBody } from '../reranker.js';
import { describeImages, v1Text2ImageBody } from '../text2image.js';
import type { AnswerFlags, ProviderRequest } from '../types.js';
export { usageFrom } from '../usage.js';

export const V1_PREFIX = '/rpc/2.0/ai_custom/v1/wenxinworkshop';

export function v1Path(request: Pick<ProviderRequest, 'api' | 'endpoint'>): string {
  return `${V1_PREFIX}/${request.api}/${request.endpoint}`;
}

/** The text an embedding request embeds: the row's last user turn. */
export function embeddingInput(request: ProviderRequest): string {
  return request.messages.at(-1)?.content ?? '';
}

/** The JSON body; `completions` sends the last user turn as `prompt`, `embeddings` as `input`. */
export function v1Body(request: ProviderRequest): string {
  if (request.api === 'reranker') return v1RerankerBody(request);
  if (request.api === 'text2image') return v1Text2ImageBody(request);
  // The tokenizer counts the text completions would send: the last user turn (and `model` when the cell sets it).
  if (request.api === 'tokenizer') return JSON.stringify({ prompt: request.messages.at(-1)?.content ?? '', ...request.params });
  if (request.api === 'embeddings') {
    const body: Record<string, unknown> = { input: [embeddingInput(request)] };
    if (request.params.user_id !== undefined) body.user_id = request.params.user_id;
    return JSON.stringify(body);
  }
  const body: Record<string, unknown> = request.api === 'completions' ? { prompt: request.messages.at(-1)?.content ?? '' } : { messages: request.messages };
  if (request.system !== undefined && request.api === 'chat') body.system = request.system;
  Object.assign(body, request.params);
  body.stream = request.stream;
  return JSON.stringify(body);
}

export function textOf(body: Record<string, unknown>): string {
  if (typeof body.result === 'string') return body.result;
  return describeImages(body) ?? describeEmbeddings(body) ?? describeRanking(body) ?? describeTokenCount(body) ?? '';
}

/** A tokenizer answer's output column: the count it gave. */
function describeTokenCount(body: Record<string, unknown>): string | undefined {
  if (body.object !== 'tokenizer.erniebot') return undefined;
  const usage = body.usage as { prompt_tokens?: unknown } | undefined;
  return typeof usage?.prompt_tokens === 'number' ? `${usage.prompt_tokens} tokens` : undefined;
}

export function finishReasonOf(body: Record<string, unknown>): string | undefined {
  return typeof body.finish_reason === 'string' && body.finish_reason !== '' ? body.finish_reason : undefined;
}

/** Flags no answer has set yet: what a v1 record says when the answer lacks the fields. */
export function noFlags(): AnswerFlags {
  return { needClearHistory: false, isTruncated: false };
}

/**
 * Adds one answer body's (or stream event's) `need_clear_history`, `ban_round` and `is_truncated`
 * to `flags`: a field set on any event stays set, since a stream may say it once.
 */
export function mergeFlags(flags: AnswerFlags, body: Record<string, unknown>): void {
  if (body.need_clear_history === true) flags.needClearHistory = true;
  if (body.is_truncated === true) flags.isTruncated = true;
  if (typeof body.ban_round === 'number' && Number.isInteger(body.ban_round)) flags.banRound = body.ban_round;
}
