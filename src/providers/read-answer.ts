/**
 * Reading one HTTP answer into an AttemptResult, the same way for every protocol: rate-limit
 * headers first (handed to the limiter before the body is read), then an HTTP error, an event
 * stream, or one JSON body (a sync answer, or an error answered to a stream request). What
 * differs between protocols (how errors and texts are spelled) comes in as an AnswerProtocol.
 */
import { now } from '../util/clock.js';
import { parseJsonObject, snippet } from './event-stream.js';
import { exchange, type ExchangeRequest, type HttpResponse } from './http.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import type { AttemptResult, ProviderError, SendOptions } from './types.js';
import { usageFrom } from './usage.js';

export interface AnswerProtocol {
  /** The error of a non-2xx answer (its body may be JSON, text or empty). */
  httpError(response: HttpResponse, text: string): ProviderError;
  /** The error a 2xx JSON body carries, if any. */
  bodyError(body: Record<string, unknown>, status: number): ProviderError | undefined;
  /** Reads an event stream into `result` (text events, usage, end, or an error). */
  readStream(response: HttpResponse, result: AttemptResult): Promise<void>;
  /** The generated text of a sync answer. */
  textOf(body: Record<string, unknown>): string;
  finishReasonOf(body: Record<string, unknown>): string | undefined;
}

export async function readAnswer(response: HttpResponse, stream: boolean, sendOptions: SendOptions, result: AttemptResult, protocol: AnswerProtocol): Promise<void> {
  result.httpStatus = response.status;
  const rateLimit = parseRateLimitHeaders(response.headers);
  result.rateLimit = rateLimit;
  sendOptions.onRateLimit?.(rateLimit);
  const withRetryAfter = (error: ProviderError): ProviderError => {
    if (rateLimit.retryAfterMs !== undefined) error.retryAfterMs ??= rateLimit.retryAfterMs;
    return error;
  };

  if (response.status < 200 || response.status >= 300) {
    // A timeout or abort while the error body is read propagates: it is the attempt's outcome.
    const text = await response.body.text();
    result.doneAt = now();
    result.error = withRetryAfter(protocol.httpError(response, text));
    return;
  }
  if (stream && String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
    await protocol.readStream(response, result);
    return;
  }
  const text = await response.body.text();
  // The body ended when its last chunk arrived, not when we got around to reading it.
  result.doneAt = response.timings.arrivalTimes.at(-1) ?? now();
  const body = parseJsonObject(text);
  if (body === undefined) {
    result.error = { class: 'retryable', code: 'malformed_body', message: `answer is not JSON: ${snippet(text)}`, httpStatus: response.status };
    return;
  }
  const error = protocol.bodyError(body, response.status);
  if (error !== undefined) {
    result.error = withRetryAfter(error);
    return;
  }
  result.ok = true;
  result.output = protocol.textOf(body);
  if (result.output.length > 0) result.textEventTimes.push(result.doneAt);
  const usage = usageFrom(body);
  if (usage !== undefined) result.usage = usage;
  const finishReason = protocol.finishReasonOf(body);
  if (finishReason !== undefined) result.finishReason = finishReason;
}

/**
 * One attempt end to end: sends `request`, reads the answer into `result` with `protocol`, and
 * records a transport failure or timeout as the attempt's error. `result.dispatchedAt` becomes
 * the instant the transport began writing the request.
 */
export async function attempt(request: ExchangeRequest, stream: boolean, sendOptions: SendOptions, result: AttemptResult, protocol: AnswerProtocol): Promise<void> {
  const outcome = await exchange(request, (response) => {
    result.headersAt = now();
    return readAnswer(response, stream, sendOptions, result, protocol);
  });
  if (outcome.writtenAt !== undefined) result.dispatchedAt = outcome.writtenAt;
  if (outcome.error !== undefined) {
    result.ok = false;
    result.error = outcome.error;
    result.doneAt = now();
  }
}
