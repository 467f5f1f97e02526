/**
 * The Qianfan v1 provider: sends one chat or completions request over undici and turns the answer
 * (sync JSON, SSE, or an error in any of the shapes v1 uses) into an AttemptResult.
 */
import type { Dispatcher } from 'undici';
import { now } from '../../util/clock.js';
import type { HttpResponse, HttpTimeouts } from '../http.js';
import { attempt, type AnswerProtocol } from '../read-answer.js';
import { answerTooLarge, END, malformedEvent, parseJsonObject, readEventStream, snippet } from '../event-stream.js';
import { invalidUsageError, isInvalidUsage } from '../usage.js';
import type { AttemptResult, Provider, ProviderError, ProviderRequest, SendOptions } from '../types.js';
import { classifyHttpStatus, errorFromBody, TOKEN_EXPIRED_CODES } from './error-codes.js';
import { authorizeV1, v1TokenSource, type AuthorizedRequest, type QianfanAuth } from './auth.js';
import { finishReasonOf, mergeFlags, noFlags, textOf, usageFrom, v1Body, v1Path } from './wire.js';

export type { QianfanAuth } from './auth.js';

export interface QianfanProviderOptions {
  baseUrl: string;
  auth: QianfanAuth;
  dispatcher: Dispatcher;
  timeouts: HttpTimeouts;
  /** Re-send once after refreshing an expired token (110/111). Off when the user asked for no retries. */
  refreshOnExpiredToken: boolean;
  /** --max-response-bytes (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function createQianfanProvider(options: QianfanProviderOptions): Provider & { preflight(): Promise<void> } {
  const origin = new URL(options.baseUrl).origin;
  // OAuth fetches (and refreshes) a token; an access token is used as given; IAM signs every
  // request and has no token to fetch or refresh.
  const tokens = v1TokenSource(options.auth, origin, options.dispatcher);

  async function sendOnce(req: ProviderRequest, body: string, authorized: AuthorizedRequest, sendOptions: SendOptions, result: AttemptResult): Promise<void> {
    const request = {
      dispatcher: options.dispatcher,
      url: authorized.url,
      headers: authorized.headers,
      body,
      timeouts: options.timeouts,
      signal: sendOptions.signal,
      maxResponseBytes: options.maxResponseBytes,
    };
    await attempt(request, req.stream, sendOptions, result, V1_PROTOCOL);
  }

  return {
    name: 'qianfan',

    async preflight(): Promise<void> {
      await tokens?.get();
    },

    async send(req: ProviderRequest, sendOptions: SendOptions = {}): Promise<AttemptResult> {
      const body = v1Body(req);
      const url = `${origin}${v1Path(req)}`;
      let authorized = await authorizeV1(options.auth, tokens, 'POST', url, JSON_HEADERS);
      const result = newResult();
      result.dispatchedAt = now();
      await sendOnce(req, body, authorized, sendOptions, result);
      const code = result.error?.code;
      const staleToken = authorized.accessToken;
      if (tokens !== undefined && staleToken !== undefined && options.refreshOnExpiredToken && typeof code === 'number' && TOKEN_EXPIRED_CODES.has(code)) {
        await tokens.refresh(staleToken);
        authorized = await authorizeV1(options.auth, tokens, 'POST', url, JSON_HEADERS);
        // The request's latency still runs from the first write; the re-send is one more attempt.
        const dispatchedAt = result.dispatchedAt;
        Object.assign(result, newResult());
        await sendOnce(req, body, authorized, sendOptions, result);
        result.dispatchedAt = dispatchedAt;
        result.resends = 1;
      }
      return result;
    },

    async close(): Promise<void> {},
  };
}

// Every v1 attempt carries flags (false when the answer lacks them), so requests.csv has the columns for v1.
function newResult(): AttemptResult {
  return { ok: false, dispatchedAt: 0, textEventTimes: [], doneAt: 0, output: '', flags: noFlags() };
}

/** How v1 spells errors and texts (qianfan-api.md section 4). */
const V1_PROTOCOL: AnswerProtocol = {
  httpError,
  bodyError: errorFromBody,
  readStream: readV1EventStream,
  textOf,
  finishReasonOf,
  readExtras: (body, result) => mergeFlags((result.flags ??= noFlags()), body),
};

async function readV1EventStream(response: HttpResponse, result: AttemptResult): Promise<void> {
  let ended = false;
  const read = await readEventStream(response, (event) => {
    const data = parseJsonObject(event.text);
    if (data === undefined) return malformedEvent(event);
    // A v1 error mid-stream is a bare JSON line without `data:`.
    const error = errorFromBody(data, 200);
    if (error !== undefined) return error;
    if (event.kind === 'bare') return malformedEvent(event);
    const text = textOf(data);
    if (text.length > 0) {
      // Code units, which never outnumber the bytes they came from (see SseParser).
      if (result.output.length + text.length > response.maxBytes) return answerTooLarge(response.maxBytes);
      result.textEventTimes.push(event.at);
      result.output += text;
    }
    const usage = usageFrom(data);
    if (isInvalidUsage(usage)) return invalidUsageError(usage.invalid);
    if (usage !== undefined) result.usage = usage;
    mergeFlags((result.flags ??= noFlags()), data);
    if (data.is_end === true) {
      ended = true;
      result.doneAt = event.at;
      const finishReason = finishReasonOf(data);
      if (finishReason !== undefined) result.finishReason = finishReason;
      // The answer is complete: whatever follows, or a connection kept open, is not read.
      return END;
    }
    return undefined;
  });
  if (read.error !== undefined) {
    result.error = read.error;
    result.doneAt = now();
    return;
  }
  if (!ended) {
    result.doneAt = now();
    result.error = { class: 'network', code: 'incomplete_stream', message: 'the stream ended before its is_end event' };
    return;
  }
  result.ok = true;
}

function httpError(response: HttpResponse, text: string): ProviderError {
  const fromBody = errorFromBody(parseJsonObject(text), response.status);
  const bceCode = response.headers['x-bce-error-code'];
  const bceMessage = response.headers['x-bce-error-message'];
  const error: ProviderError = fromBody ?? {
    class: classifyHttpStatus(response.status),
    code: response.status,
    message: bceCode !== undefined ? `${String(bceCode)}: ${String(bceMessage ?? '')}` : `HTTP ${response.status}: ${snippet(text)}`,
  };
  // The status is the stronger signal for the gateway's own errors (429 and 5xx are worth retrying).
  if (fromBody === undefined || response.status === 429 || response.status >= 500) error.class = classifyHttpStatus(response.status);
  error.httpStatus = response.status;
  return error;
}
