/**
 * OpenAI-compatible errors: `{"error":{"code","message","type"},"id"}` with a real HTTP status
 * (qianfan-api.md §4.5), or the same object inside an HTTP 200 body or a stream chunk (the SDK's mock
 * answers "high load" that way). The `error.code` string is kept as the ProviderError code.
 */
// Non-2xx statuses: 429 waits, 401/403 are credentials, 408 and 5xx can pass, other 4xx are the request's fault.
import { classifyHttpStatus } from '../qianfan/error-codes.js';
import type { ErrorClass, ProviderError } from '../types.js';
import { serverMessage } from '../server-message.js';

const AUTH_CODES: ReadonlySet<string> = new Set([
  'invalid_iam_token',
  'invalid_api_key',
  'invalid_appid',
  'no_parameter_permission',
  'account_overdue',
  'permission_denied',
  'unauthorized',
]);
const INVALID_CODES: ReadonlySet<string> = new Set([
  'invalid_model',
  'model_not_found',
  'model_offline',
  'invalid_argument',
  'invalid_messages',
  'malformed_json',
  'characters_too_long',
  'tokens_too_long',
  'context_length_exceeded',
  'method_not_supported',
  'system_unsafe',
  'user_setting_unsafe',
  'functions_unsafe',
]);
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['internal_error', 'dispatch_internal_error', 'server_error', 'service_unavailable', 'overloaded']);
/** Out of credit rather than out of rate: waiting does not help. */
const FATAL_CODES: ReadonlySet<string> = new Set(['insufficient_quota']);

/** The class an error code (and type) implies, or undefined when neither is known. */
export function classifyErrorCode(code: string | undefined, type: string | undefined, message = ''): ErrorClass | undefined {
  const lowerType = type?.toLowerCase();
  if (code !== undefined) {
    if (FATAL_CODES.has(code)) return 'fatal';
    if (code.endsWith('rate_limit_exceeded')) return 'throttled';
    if (AUTH_CODES.has(code)) return 'auth';
    if (INVALID_CODES.has(code)) return 'invalid';
    if (RETRYABLE_CODES.has(code)) return 'retryable';
  }
  if (/high load|overloaded|try again later/i.test(message)) return 'retryable';
  if (lowerType === 'rate_limit_exceeded' || lowerType === 'rate_limit_error') return 'throttled';
  if (lowerType === 'internal_error' || lowerType === 'server_error') return 'retryable';
  if (lowerType === 'access_denied' || lowerType === 'authentication_error') return 'auth';
  if (lowerType === 'invalid_request_error' || lowerType === 'unsafe_request') return 'invalid';
  return undefined;
}

/** The `error` object of a body or chunk, or undefined when it carries none. */
export function errorObjectOf(body: unknown): { code?: string; message: string; type?: string } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as Record<string, unknown>).error;
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return { message: serverMessage(error) };
  if (typeof error !== 'object') return undefined;
  const record = error as Record<string, unknown>;
  const result: { code?: string; message: string; type?: string } = {
    // A server's message is text of any length (up to the body cap): a report keeps a readable head of it.
    message: typeof record.message === 'string' && record.message !== '' ? serverMessage(record.message) : 'no error message',
  };
  if (record.code !== undefined && record.code !== null) result.code = String(record.code);
  if (typeof record.type === 'string') result.type = record.type;
  return result;
}

/**
 * The ProviderError for an answer with status `httpStatus` and parsed body `body` (undefined when
 * not JSON). For a non-2xx status the status decides, except where the code is more precise (a
 * rate-limit code, an unknown model answered with 401, an exhausted balance answered with 429).
 * For HTTP 200 the code decides; an unknown code is fatal.
 */
export function errorFromAnswer(httpStatus: number, body: unknown, fallbackMessage: string): ProviderError | undefined {
  const error = errorObjectOf(body);
  const success = httpStatus >= 200 && httpStatus < 300;
  if (error === undefined && success) return undefined;
  const fromCode = error === undefined ? undefined : classifyErrorCode(error.code, error.type, error.message);
  let errorClass: ErrorClass;
  if (success) errorClass = fromCode ?? 'fatal';
  else if (fromCode === 'throttled' || fromCode === 'fatal' || (fromCode === 'invalid' && httpStatus < 500 && httpStatus !== 408 && httpStatus !== 429))
    errorClass = fromCode;
  else errorClass = classifyHttpStatus(httpStatus);
  return {
    class: errorClass,
    code: error?.code ?? httpStatus,
    message: error?.message ?? fallbackMessage,
    httpStatus,
  };
}
