/**
 * The OpenAI-compatible provider (Qianfan v2 `/v2/chat/completions`, or any `/v1/chat/completions`
 * server): sends one chat request over undici and turns the answer (sync JSON, SSE chunks, or an
 * error with a real HTTP status, in an HTTP 200 body or mid-stream) into an AttemptResult.
 *
 * Timing follows the v1 provider: dispatch is when undici began writing; every SSE event carries
 * the arrival stamp of the chunk holding its first byte (TransportTimings.arrivalTimes). A text
 * event is a chunk with non-empty `choices[0].delta.content`: the role-only first chunk, empty
 * deltas, the finish chunk and the usage-only chunk are not (metrics.md), nor is a reasoning
 * model's `delta.reasoning_content`: the first of those is `firstReasoningAt`. t_done is the arrival of
 * `data: [DONE]`, or the last body chunk when the server sends no [DONE] but did finish.
 */
import type { Dispatcher } from 'undici';
import { configError } from '../../errors.js';
import { now } from '../../util/clock.js';
import { registerSecret } from '../../util/redact.js';
import { describeEmbeddings } from '../embeddings.js';
import { describeRanking, rerankersUrl } from '../reranker.js';
import type { HttpResponse, HttpTimeouts } from '../http.js';
import { attempt, type AnswerProtocol } from '../read-answer.js';
import { answerTooLarge, END, malformedEvent, parseJsonObject, readEventStream, snippet } from '../event-stream.js';
import { invalidUsageError, isInvalidUsage } from '../usage.js';
import type { AttemptResult, Provider, ProviderError, ProviderRequest, SendOptions } from '../types.js';
import { errorFromAnswer } from './errors.js';
import { chatCompletionsUrl, embeddingsUrl, deltaReasoningOf, deltaTextOf, finishReasonOf, messageTextOf, openAIBody, usageFrom } from './wire.js';

export interface OpenAIProviderOptions {
  /** API root, e.g. `https://qianfan.baidubce.com/v2` or `http://host:8000/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` (Qianfan: a console API key or an IAM bearer token). */
  apiKey: string;
  dispatcher: Dispatcher;
  timeouts: HttpTimeouts;
  /** Qianfan v2 `appid` header, when the key serves several apps. */
  appId?: string;
  /** Maps the model name of a request to the server's id (Qianfan v2: lowercase catalog names). */
  modelId?: (model: string) => string;
  /** --max-response-bytes (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

const DONE = '[DONE]';

export function createOpenAIProvider(options: OpenAIProviderOptions): Provider & { preflight(): Promise<void> } {
  registerSecret(options.apiKey);
  const url = chatCompletionsUrl(options.baseUrl);
  const embeddings = embeddingsUrl(options.baseUrl);
  const rerankers = rerankersUrl(options.baseUrl);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${options.apiKey}`,
  };
  if (options.appId !== undefined && options.appId !== '') headers.appid = options.appId;

  return {
    name: 'openai',

    /** No network: the key and the URL are checked locally (a bad key shows on the first answer as `auth`). */
    async preflight(): Promise<void> {
      if (options.apiKey.trim() === '') throw configError('the OpenAI-compatible API key is empty');
      const protocol = new URL(url).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') throw configError(`base URL must be http(s), got ${protocol}`);
    },

    async send(req: ProviderRequest, sendOptions: SendOptions = {}): Promise<AttemptResult> {
      if (req.api === 'text2image' || req.api === 'tokenizer') return unsupportedApi(req);
      const body = openAIBody(options.modelId !== undefined ? { ...req, model: options.modelId(req.model) } : req);
      const result: AttemptResult = { ok: false, dispatchedAt: 0, textEventTimes: [], doneAt: 0, output: '' };
      result.dispatchedAt = now();
      const request = {
        dispatcher: options.dispatcher,
        url: req.api === 'embeddings' ? embeddings : req.api === 'reranker' ? rerankers : url,
        headers,
        body,
        timeouts: options.timeouts,
        signal: sendOptions.signal,
        maxResponseBytes: options.maxResponseBytes,
      };
      await attempt(request, req.stream, sendOptions, result, OPENAI_PROTOCOL);
      return result;
    },

    async close(): Promise<void> {},
  };
}

/** v2 documents no text-to-image or tokenizer endpoint: such a cell fails at once, saying where it runs. */
function unsupportedApi(req: ProviderRequest): AttemptResult {
  const at = now();
  return {
    ok: false,
    dispatchedAt: at,
    textEventTimes: [],
    doneAt: at,
    output: '',
    error: { class: 'fatal', code: 'unsupported_api', message: `${req.api} is a v1 API: run ${req.model} with --provider qianfan` },
  };
}

/** How OpenAI-compatible servers spell errors and texts (qianfan-api.md section 6). */
const OPENAI_PROTOCOL: AnswerProtocol = {
  httpError: (response, text) => errorFromAnswer(response.status, parseJsonObject(text), `HTTP ${response.status}: ${snippet(text)}`) as ProviderError,
  bodyError: (body, status) => errorFromAnswer(status, body, 'error'),
  readStream: readOpenAIEventStream,
  textOf: (body) => messageTextOf(body) || (describeEmbeddings(body) ?? describeRanking(body) ?? ''),
  finishReasonOf,
};

async function readOpenAIEventStream(response: HttpResponse, result: AttemptResult): Promise<void> {
  let done = false;
  const read = await readEventStream(response, (event) => {
    if (event.kind === 'data' && event.text.trim() === DONE) {
      done = true;
      result.doneAt = event.at;
      // Nothing after [DONE] counts, or is read: a connection kept open does not hold the answer.
      return END;
    }
    const data = parseJsonObject(event.text);
    if (data === undefined) return malformedEvent(event);
    const error = errorFromAnswer(200, data, 'error');
    if (error !== undefined) return error;
    if (event.kind === 'bare') return malformedEvent(event);
    // A reasoning model's thinking is not the answer: it starts ttfrt, never TTFT (metrics definition 2).
    if (result.firstReasoningAt === undefined && deltaReasoningOf(data).length > 0) result.firstReasoningAt = event.at;
    const text = deltaTextOf(data);
    if (text.length > 0) {
      // Code units, which never outnumber the bytes they came from (see SseParser).
      if (result.output.length + text.length > response.maxBytes) return answerTooLarge(response.maxBytes);
      result.textEventTimes.push(event.at);
      result.output += text;
    }
    const usage = usageFrom(data);
    if (isInvalidUsage(usage)) return invalidUsageError(usage.invalid);
    if (usage !== undefined) result.usage = usage;
    const finishReason = finishReasonOf(data);
    if (finishReason !== undefined) result.finishReason = finishReason;
    return undefined;
  });
  if (read.error !== undefined) {
    result.error = read.error;
    result.doneAt = now();
    return;
  }
  if (!done) {
    // Servers that send no [DONE] end the body after the finish chunk; without either, it was cut.
    if (result.finishReason === undefined) {
      result.doneAt = now();
      result.error = { class: 'network', code: 'incomplete_stream', message: 'the stream ended before its finish_reason or [DONE]' };
      return;
    }
    result.doneAt = read.lastArrivalAt ?? now();
  }
  result.ok = true;
}
