/**
 * The v1 error-code table (qianfan-api.md section 4.4) and how each code is treated. v1 answers
 * errors with HTTP 200 and `{error_code, error_msg}`, so the class comes from the code, not the status.
 */
import { serverMessage } from '../server-message.js';
import type { ErrorClass, ProviderError } from '../types.js';

const THROTTLED = new Set([4, 17, 18, 19, 336501, 336502]);
const RETRYABLE = new Set([2, 15, 336100]);
const AUTH = new Set([6, 13, 14, 100, 110, 111, 336004]);
/** Codes that mean the request itself is wrong: sending it again cannot help. */
const INVALID = new Set([3, 336001, 336002, 336003, 336005, 336006, 336007, 336008, 336101, 336102, 336103, 336104, 336105]);

/** Token codes that a refresh of the OAuth access token can cure. */
export const TOKEN_EXPIRED_CODES: ReadonlySet<number> = new Set([110, 111]);

export function classifyErrorCode(code: number): ErrorClass {
  if (THROTTLED.has(code)) return 'throttled';
  if (RETRYABLE.has(code)) return 'retryable';
  if (AUTH.has(code)) return 'auth';
  if (INVALID.has(code)) return 'invalid';
  return 'fatal';
}

/**
 * Gateway-level statuses: 429 and 5xx can pass with time; other 4xx are the request's or the
 * credentials' fault.
 */
export function classifyHttpStatus(status: number): ErrorClass {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status >= 500) return 'retryable';
  return 'invalid';
}

/** A v1 error body, or undefined when `body` is not one. */
export function errorFromBody(body: unknown, httpStatus: number): ProviderError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (record.error_code === undefined) return undefined;
  const code = Number(record.error_code);
  const message = typeof record.error_msg === 'string' ? serverMessage(record.error_msg) : 'no error_msg';
  if (!Number.isInteger(code)) return { class: 'fatal', code: String(record.error_code), message, httpStatus };
  return { class: classifyErrorCode(code), code, message, httpStatus };
}
