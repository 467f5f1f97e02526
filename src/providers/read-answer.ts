/**
 * Reading one HTTP answer into an AttemptResult, the same way for every protocol: rate-limit
 * headers first (handed to the limiter before the body is read), then an HTTP error, an event
 * stream, or one JSON body (a sync answer, or an error answered to a stream request). What
 * differs between protocols (how errors and texts are spelled) comes in as an AnswerProtocol.
 * Every body is decoded as its Content-Encoding says and read under the response's byte cap.
 */
import { now } from '../util/clock.js';
import { readTextCapped, UnsupportedEncodingError } from './body-limit.js';
import { decodeBody, isDecodingError } from './content-encoding.js';
import { parseJsonObject, snippet } from './event-stream.js';
import { exchange, type ExchangeRequest, type HttpResponse } from './http.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import type { AttemptResult, ProviderError, SendOptions } from './types.js';
import { implausibleUsage, invalidUsageError, isInvalidUsage, usageFrom } from './usage.js';

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
  /** Reads what else a sync answer says into `result` (v1's safety flags); absent where there is nothing. */
  readExtras?(body: Record<string, unknown>, result: AttemptResult): void;
}

export async function readAnswer(
  wire: HttpResponse,
  stream: boolean,
  sendOptions: SendOptions,
  result: AttemptResult,
  protocol: AnswerProtocol,
): Promise<void> {
  result.httpStatus = wire.status;
  const rateLimit = parseRateLimitHeaders(wire.headers);
  result.rateLimit = rateLimit;
  sendOptions.onRateLimit?.(rateLimit);
  const withRetryAfter = (error: ProviderError): ProviderError => {
    if (rateLimit.retryAfterMs !== undefined) error.retryAfterMs ??= rateLimit.retryAfterMs;
    return error;
  };
  const failed = wire.status < 200 || wire.status >= 300;
  let response: HttpResponse;
  try {
    response = decodedResponse(wire);
  } catch (error) {
    // An error status still counts (a 429 still throttles) when its body cannot be decoded.
    if (!(failed && error instanceof UnsupportedEncodingError)) throw error;
    result.doneAt = now();
    result.error = withRetryAfter(protocol.httpError(wire, ''));
    return;
  }

  if (failed) {
    response.timings.lastOnly = true;
    // A timeout, abort or the cap while the error body is read propagates: it is the attempt's
    // outcome. A body that does not decode leaves the status to speak (a 429 still throttles).
    const text = await readTextCapped(response.body, response.maxBytes).catch((error: unknown) => {
      if (isDecodingError(error)) return '';
      throw error;
    });
    result.doneAt = now();
    result.error = withRetryAfter(protocol.httpError(response, text));
    return;
  }
  const eventStream = stream && String(response.headers['content-type'] ?? '').includes('text/event-stream');
  // Only an undecoded event stream lines its chunks up with their arrivals; the rest needs the last.
  if (!eventStream || response.decoded === true) response.timings.lastOnly = true;
  if (eventStream) {
    await protocol.readStream(response, result);
    return;
  }
  const text = await readTextCapped(response.body, response.maxBytes);
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
  if (isInvalidUsage(usage)) {
    result.ok = false;
    result.error = invalidUsageError(usage.invalid);
    return;
  }
  if (usage !== undefined) result.usage = usage;
  const finishReason = protocol.finishReasonOf(body);
  if (finishReason !== undefined) result.finishReason = finishReason;
  protocol.readExtras?.(body, result);
}

/**
 * One attempt end to end: sends `request`, reads the answer into `result` with `protocol`, and
 * records a transport failure or timeout as the attempt's error. `result.dispatchedAt` becomes
 * the instant the transport began writing the request.
 */
export async function attempt(
  request: ExchangeRequest,
  stream: boolean,
  sendOptions: SendOptions,
  result: AttemptResult,
  protocol: AnswerProtocol,
): Promise<void> {
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
  // Counts only the whole answer can judge (a stream's text arrives after its usage, or before it).
  const implausible = result.ok && result.usage !== undefined ? implausibleUsage(result.usage, result.output, request.body) : undefined;
  if (implausible !== undefined) {
    result.ok = false;
    result.error = invalidUsageError(implausible);
  }
  // An untrusted count reaches neither the limiter nor a histogram.
  if (result.error?.code === 'invalid_usage') delete result.usage;
}

/** The response with its body decoded (gzip, deflate, br); an unknown encoding throws UnsupportedEncodingError. */
function decodedResponse(response: HttpResponse): HttpResponse {
  const body = decodeBody(response.body, response.headers, response.maxBytes);
  return body === response.body ? response : { ...response, body, decoded: true };
}
