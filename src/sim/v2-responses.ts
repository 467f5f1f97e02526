/**
 * Builders for v2 (OpenAI-compatible) response bodies: errors with real HTTP statuses
 * (qianfan-api.md §4.5), chat completions, stream chunks (§6) and the mapping from the v1 error
 * codes the simulator's shared modules speak (validation, `[[sim:error=CODE]]`) to v2 errors.
 */
import { ERROR_MESSAGES, usage, type UsageBody, type V1Error } from './responses.js';

export interface V2ErrorBody {
  error: { code: string; message: string; type: string };
  id?: string;
}

/** A v2 error answer: its HTTP status and body (the `id` is added when it is sent). */
export interface V2Error {
  status: number;
  body: V2ErrorBody;
}

export function v2Error(status: number, code: string, message: string, type = 'invalid_request_error'): V2Error {
  return { status, body: { error: { code, message, type } } };
}

export const V2_ERRORS = {
  malformedJson: () => v2Error(400, 'malformed_json', 'Invalid Argument'),
  modelEmpty: () => v2Error(400, 'invalid_model', 'model is empty'),
  /** 401 like the real service: to the platform an unknown model and one the key may not use are the same answer. */
  unknownModel: () => v2Error(401, 'invalid_model', 'The model does not exist or you do not have access to it.'),
  badToken: () => v2Error(401, 'invalid_iam_token', 'IAM Certification failed'),
  methodNotAllowed: () => v2Error(405, 'method_not_supported', 'Only POST requests are accepted'),
  rpm: () => v2Error(429, 'rpm_rate_limit_exceeded', 'Rate limit reached for RPM', 'rate_limit_exceeded'),
  tpm: () => v2Error(429, 'tpm_rate_limit_exceeded', 'Rate limit reached for TPM', 'rate_limit_exceeded'),
  internal: () => v2Error(500, 'internal_error', 'Internal error', 'Internal_error'),
  /**
   * Server overload (v1 336100). The v2 table has no row of its own for it: the table's 500 row with
   * the SDK mock's text, so it carries a real status (the mock's HTTP 200 is the mock's, not the platform's).
   */
  highLoad: () => v2Error(500, 'internal_error', 'high load', 'Internal_error'),
  /** The v2 face of the v1 mid-stream error 336003. */
  midStream: () => v2Error(400, 'invalid_argument', 'the max length of current question is 2000'),
} as const;

/**
 * A v1 error code as the v2 API would report it. Used for validation results (which speak v1) and
 * for `[[sim:error=CODE]]` directives on v2 requests.
 */
export function v2ErrorForV1(error: V1Error): V2Error {
  const { error_code: code, error_msg: message } = error;
  switch (code) {
    case 336501:
      return V2_ERRORS.rpm();
    case 336502:
      return V2_ERRORS.tpm();
    case 18:
      return v2Error(429, 'rpm_rate_limit_exceeded', 'Rate limit reached for RPM', 'rate_limit_exceeded');
    case 4:
      return v2Error(429, 'cluster_rate_limit_exceeded', message, 'rate_limit_exceeded');
    case 17:
    case 19:
      return v2Error(429, 'user_rate_limit_exceeded', message, 'rate_limit_exceeded');
    case 336100:
      return V2_ERRORS.highLoad();
    case 13:
    case 14:
    case 110:
    case 111:
      return V2_ERRORS.badToken();
    case 6:
    case 336004:
      return v2Error(401, 'no_parameter_permission', message, 'access_denied');
    case 3:
    case 336005:
      return V2_ERRORS.unknownModel();
    case 336002:
      return V2_ERRORS.malformedJson();
    case 336006:
      return v2Error(400, 'invalid_messages', message);
    case 336007:
      return v2Error(400, 'characters_too_long', message.replace(/^the max length of current question is/, 'the max input characters is'));
    case 336103:
      return v2Error(400, 'tokens_too_long', 'Prompt tokens too long');
    case 336104:
      return v2Error(403, 'system_unsafe', 'the content of system field is invalid', 'unsafe_request');
    case 336105:
      return v2Error(403, 'user_setting_unsafe', 'the content of user_setting field is invalid', 'unsafe_request');
    case 336001:
    case 336003:
    case 336008:
    case 336102:
      return v2Error(400, 'invalid_argument', message);
    case 336101:
      return V2_ERRORS.methodNotAllowed();
    default:
      return v2Error(500, 'internal_error', ERROR_MESSAGES[code] ?? message, 'Internal_error');
  }
}

/** v1 finish reasons in v2 words. */
export function v2FinishReason(v1: string): string {
  return v1 === 'normal' ? 'stop' : v1;
}

export interface V2AnswerMeta {
  id: string;
  created: number;
  model: string;
}

/** v2 usage; a reasoning model's adds `completion_tokens_details.reasoning_tokens` (counted in completion_tokens too). */
export type V2UsageBody = UsageBody & { completion_tokens_details?: { reasoning_tokens: number } };

export function v2Usage(promptTokens: number, completionTokens: number, reasoningTokens?: number): V2UsageBody {
  const body: V2UsageBody = usage(promptTokens, completionTokens);
  if (reasoningTokens !== undefined) body.completion_tokens_details = { reasoning_tokens: reasoningTokens };
  return body;
}

/** What a reasoning model thought before its answer (v2-reasoning.ts). */
export interface V2Reasoning {
  text: string;
  tokens: number;
}

export function v2SyncBody(
  meta: V2AnswerMeta,
  content: string,
  finishReason: string,
  promptTokens: number,
  completionTokens: number,
  reasoning?: V2Reasoning,
): Record<string, unknown> {
  const message: Record<string, string> = { role: 'assistant', content };
  if (reasoning !== undefined) message.reasoning_content = reasoning.text;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: v2FinishReason(finishReason) }],
    usage: v2Usage(promptTokens, completionTokens, reasoning?.tokens),
  };
}

/** One `data:` line of a v2 stream. `usage` is null on every chunk but the last when include_usage is on. */
export function v2Chunk(
  meta: V2AnswerMeta,
  choice: { delta: Record<string, string>; finish_reason: string | null } | undefined,
  includeUsage: boolean,
  usageBody?: V2UsageBody,
): string {
  const chunk: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: choice === undefined ? [] : [{ index: 0, delta: choice.delta, finish_reason: choice.finish_reason }],
  };
  if (includeUsage) chunk.usage = usageBody ?? null;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export const V2_DONE = 'data: [DONE]\n\n';
