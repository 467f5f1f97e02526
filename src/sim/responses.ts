/**
 * Builders for v1 response bodies, shaped field for field like the real service's (clients parse
 * these, so field names and types must match; see shared/reference/qianfan-api.md §4).
 */
import type { Random } from '../util/random.js';

export interface V1Error {
  error_code: number;
  error_msg: string;
}

/** Real error texts for the codes the simulator can produce or be asked to produce. */
export const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  1: 'Unknown error',
  2: 'Service temporarily unavailable',
  3: 'Unsupported openapi method',
  4: 'Open api request limit reached',
  6: 'No permission to access data',
  13: 'Get service token failed',
  14: 'IAM Certification failed',
  15: 'app not exists or create failed',
  17: 'Open api daily request limit reached',
  18: 'Open api qps request limit reached',
  19: 'Open api total request limit reached',
  100: 'Invalid parameter',
  110: 'Access token invalid or no longer valid',
  111: 'Access token expired',
  336000: 'Internal error',
  336001: 'Invalid Argument',
  336002: 'Invalid JSON',
  336003: 'the max length of current question is 2000',
  336006: 'the length of messages must be an odd number',
  336100: 'server high load, please try again later',
  336101: 'Invalid HTTP method',
  336103: 'Prompt tokens too long',
  336501: 'Rate limit reached for RPM',
  336502: 'Rate limit reached for TPM',
};

export function v1Error(code: number, message?: string): V1Error {
  return { error_code: code, error_msg: message ?? ERROR_MESSAGES[code] ?? `simulated error ${code}` };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `as-` + 10 lowercase alphanumerics, like the real ids. */
export function responseId(random: Random): string {
  let id = 'as-';
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return id;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface UsageBody {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usage(promptTokens: number, completionTokens: number): UsageBody {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export type ChatObject = 'chat.completion' | 'completion';

export interface AnswerMeta {
  id: string;
  object: ChatObject;
  created: number;
}

/** What a v1 answer says about how it ended and about the safety of its input. */
export interface AnswerFlags {
  finishReason: string;
  /** The output cap cut the answer. */
  isTruncated: boolean;
  /** Set when the input was judged unsafe (need_clear_history): the turn at fault, -1 for the current one. */
  banRound?: number;
}

/** `need_clear_history`, and `ban_round` only when it is true (the platform sends it with the flag). */
function safetyFields(flags: AnswerFlags): { need_clear_history: boolean; ban_round?: number } {
  return flags.banRound === undefined ? { need_clear_history: false } : { need_clear_history: true, ban_round: flags.banRound };
}

export function syncBody(meta: AnswerMeta, result: string, flags: AnswerFlags, promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    id: meta.id,
    object: meta.object,
    created: meta.created,
    result,
    is_truncated: flags.isTruncated,
    ...safetyFields(flags),
    finish_reason: flags.finishReason,
    usage: usage(promptTokens, completionTokens),
  };
}

/**
 * One SSE event; intermediate events report the prompt only, the last one the real totals and
 * how the answer ended. The safety verdict is on the input, so every event carries it.
 */
export function streamEvent(
  meta: AnswerMeta,
  sentenceId: number,
  result: string,
  isEnd: boolean,
  flags: AnswerFlags,
  promptTokens: number,
  completionTokens: number,
): string {
  const event = {
    id: meta.id,
    object: meta.object,
    created: meta.created,
    sentence_id: sentenceId,
    is_end: isEnd,
    is_truncated: isEnd && flags.isTruncated,
    result,
    ...safetyFields(flags),
    finish_reason: isEnd ? flags.finishReason : '',
    usage: isEnd ? usage(promptTokens, completionTokens) : usage(promptTokens, 0),
  };
  return `data: ${JSON.stringify(event)}\n\n`;
}

export function tokenizerBody(id: string, promptTokens: number): Record<string, unknown> {
  return {
    id,
    object: 'tokenizer.erniebot',
    created: unixSeconds(),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export const OAUTH_ERRORS = {
  unknownClient: { error: 'invalid_client', error_description: 'unknown client id' },
  badSecret: { error: 'invalid_client', error_description: 'Client authentication failed' },
  badGrant: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported' },
  bodyTooLarge: { error: 'invalid_request', error_description: 'request body too large' },
  bodyTimeout: { error: 'invalid_request', error_description: 'request body not received in time' },
} as const;

/** The content type of every v1 JSON body, as the platform's answer example shows it (qianfan-api.md §9). */
export const V1_JSON_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json;charset=utf-8' };

/** A generated (sync) answer also labels itself, as in the same example. */
export const V1_ANSWER_HEADERS: Readonly<Record<string, string>> = { ...V1_JSON_HEADERS, Statement: 'AI-generated' };
