/**
 * Validation of v2 `/v2/chat/completions` bodies. The v2 body is translated into the v1 body it
 * corresponds to and checked by the v1 validator, so both families accept the same requests with
 * the same ranges and produce the same ChatInput (the answer key: same input, same answer):
 *
 *   model                       lowercase v2 id -> the catalog entry whose name, lowercased, equals it
 *   messages[0] role "system"   -> v1 `system`; a system message anywhere else is refused
 *   other messages              -> v1 `messages` (same odd-length / alternation rules)
 *   max_tokens                  -> max_output_tokens (max_completion_tokens when max_tokens is absent)
 *   temperature, top_p, penalty_score, frequency_penalty, presence_penalty, stop, stream -> same name
 *   stop as one string          -> a list of that string
 *   seed, user, stream_options  -> checked here, do not shape the answer
 * Everything else is ignored, as the real service ignores fields it does not use. v1-only fields
 * (min_output_tokens, system, user_id…) are not read from a v2 body.
 * Errors come back as v2 errors (HTTP 400 with invalid_messages / invalid_argument / … codes).
 */
import type { Catalog, ModelEntry } from '../qianfan/spec/catalog.js';
import { validateChatBody, type ChatInput } from './validation.js';
import { v2Error, v2ErrorForV1, V2_ERRORS, type V2Error } from './v2-responses.js';

export interface V2ChatRequest {
  /** The `model` field as sent. */
  modelId: string;
  model: ModelEntry;
  input: ChatInput;
  includeUsage: boolean;
}

export type V2ValidationResult = { ok: true; request: V2ChatRequest } | { ok: false; error: V2Error };

type Body = Record<string, unknown>;

const PASS_THROUGH = ['temperature', 'top_p', 'penalty_score', 'frequency_penalty', 'presence_penalty', 'stream'] as const;
const SEED_MAX = 2_147_483_647;

/** The catalog entry a v2 model id names (case-insensitive on the catalog name). */
export function findV2Model(catalog: Catalog, modelId: string): ModelEntry | undefined {
  const wanted = modelId.trim().toLowerCase();
  return catalog.models.find((model) => model.name.toLowerCase() === wanted);
}

/** Parses a body only far enough to name its model (for quota headers on early errors). */
export function peekV2Model(raw: string, catalog: Catalog): ModelEntry | undefined {
  try {
    const body = JSON.parse(raw) as unknown;
    const model = body !== null && typeof body === 'object' ? (body as Body).model : undefined;
    return typeof model === 'string' ? findV2Model(catalog, model) : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI allows content as an array of parts; text parts are joined, anything else is left to fail. */
function contentText(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const parts = content as unknown[];
  if (!parts.every((part) => part !== null && typeof part === 'object' && (part as Body).type === 'text' && typeof (part as Body).text === 'string')) {
    return content;
  }
  return parts.map((part) => (part as Body).text as string).join('');
}

export function validateV2ChatBody(raw: string, catalog: Catalog): V2ValidationResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, error: V2_ERRORS.malformedJson() };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: V2_ERRORS.malformedJson() };
  const body = parsed as Body;

  const modelId = body.model;
  if (typeof modelId !== 'string' || modelId.trim() === '') return { ok: false, error: V2_ERRORS.modelEmpty() };
  const model = findV2Model(catalog, modelId);
  if (!model) return { ok: false, error: V2_ERRORS.unknownModel() };

  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, error: v2Error(400, 'invalid_messages', 'the messages must not be empty') };
  }
  const v1Body: Body = {};
  let rest = messages as unknown[];
  const first = rest[0];
  if (first !== null && typeof first === 'object' && (first as Body).role === 'system') {
    const system = contentText((first as Body).content);
    if (typeof system !== 'string') return { ok: false, error: v2Error(400, 'invalid_messages', 'the content of the system message must be a string') };
    v1Body.system = system;
    rest = rest.slice(1);
  }
  const v1Messages: Body[] = [];
  for (const message of rest) {
    if (message === null || typeof message !== 'object') {
      return { ok: false, error: v2Error(400, 'invalid_messages', 'each message must be an object') };
    }
    const { role, content } = message as Body;
    if (role === 'system') {
      return { ok: false, error: v2Error(400, 'invalid_messages', 'only the first message may have the role system') };
    }
    v1Messages.push({ role, content: contentText(content) });
  }
  v1Body.messages = v1Messages;

  for (const field of PASS_THROUGH) {
    if (body[field] !== undefined) v1Body[field] = body[field];
  }
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (maxTokens !== undefined) v1Body.max_output_tokens = maxTokens;
  if (body.stop !== undefined) v1Body.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;

  const extra = checkV2Only(body);
  if (extra !== undefined) return { ok: false, error: extra };

  const validation = validateChatBody(JSON.stringify(v1Body), 'chat', model);
  if (!validation.ok) {
    const error = v2ErrorForV1(validation.error);
    // Name the field the client sent, not its v1 counterpart.
    if (body.max_tokens !== undefined || body.max_completion_tokens !== undefined) {
      const v2Name = body.max_tokens !== undefined ? 'max_tokens' : 'max_completion_tokens';
      error.body.error.message = error.body.error.message.replace(/max_output_tokens/g, v2Name);
    }
    return { ok: false, error };
  }
  const streamOptions = body.stream_options as Body | undefined;
  const includeUsage = validation.input.stream && streamOptions?.include_usage === true;
  return { ok: true, request: { modelId, model, input: validation.input, includeUsage } };
}

/** The v2 fields the v1 validator does not know. */
function checkV2Only(body: Body): V2Error | undefined {
  const invalid = (message: string): V2Error => v2Error(400, 'invalid_argument', message);
  const seed = body.seed;
  if (seed !== undefined && seed !== null) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed <= 0 || seed >= SEED_MAX) {
      return invalid(`seed must be an integer in (0, ${SEED_MAX})`);
    }
  }
  if (body.user !== undefined && body.user !== null && typeof body.user !== 'string') return invalid('user must be a string');
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (typeof streamOptions !== 'object' || Array.isArray(streamOptions)) return invalid('stream_options must be an object');
    const includeUsage = (streamOptions as Body).include_usage;
    if (includeUsage !== undefined && includeUsage !== null && typeof includeUsage !== 'boolean') {
      return invalid('stream_options.include_usage must be a boolean');
    }
  }
  return undefined;
}
