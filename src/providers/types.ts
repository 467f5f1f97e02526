/**
 * The seam between load/ and providers/: a provider turns one prepared request into one attempt
 * result, stamping every instant on the monotonic clock, and reports rate-limit signals as they
 * arrive. The scheduler and metrics never parse protocol bodies; providers never decide about
 * concurrency or retries.
 */
import type { ChatMessage } from '../dataset/types.js';

/** How an error should be treated. `timeout` and `network` come from the transport, the rest from the server. */
export type ErrorClass = 'throttled' | 'retryable' | 'auth' | 'invalid' | 'timeout' | 'network' | 'fatal';

export interface ProviderError {
  class: ErrorClass;
  /** Qianfan `error_code`, OpenAI `error.code`, or a transport code such as `ECONNRESET`. */
  code?: number | string;
  message: string;
  httpStatus?: number;
  /** Server-advised wait before a retry (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/** Rate-limit state as the server reported it, normalised across v1, v2 and OpenAI styles. */
export interface RateLimitSignal {
  limitRequests?: number;
  remainingRequests?: number;
  /** Combined input+output tokens per minute (v1, OpenAI). */
  limitTokens?: number;
  remainingTokens?: number;
  /** v2 splits token quotas into input and output. */
  limitInputTokens?: number;
  remainingInputTokens?: number;
  limitOutputTokens?: number;
  remainingOutputTokens?: number;
  /** Time until the request / token window refills, when the server says (OpenAI `6m0s` style). */
  resetRequestsMs?: number;
  resetTokensMs?: number;
  retryAfterMs?: number;
}

export interface Usage {
  promptTokens: number;
  /** All generated tokens, a reasoning model's thinking included. */
  completionTokens: number;
  totalTokens: number;
  /** Of completionTokens, the reasoning ones (`completion_tokens_details.reasoning_tokens`), when the server says. */
  reasoningTokens?: number;
}

/**
 * Which API family a request targets (`reranker`: a query and documents to rank; `text2image`: a
 * prompt to draw; `tokenizer`: a prompt to count; qianfan-api.md §2, §6).
 */
export type ApiKind = 'chat' | 'completions' | 'embeddings' | 'reranker' | 'text2image' | 'tokenizer';

/** Sampling and generation parameters, as given by `-p` (already typed by config/). */
export type ParamValue = number | string | boolean | string[];
export type Params = Record<string, ParamValue>;

/** Everything a provider needs to send one request; protocol-neutral. */
export interface ProviderRequest {
  api: ApiKind;
  /** Catalog model name, as the user chose it (for v2/OpenAI it is the `model` field). */
  model: string;
  /** v1 endpoint suffix (`completions_pro`, `ernie_speed`, a custom service). */
  endpoint: string;
  messages: ChatMessage[];
  system?: string;
  params: Params;
  stream: boolean;
  /** Reranker requests: the documents to rank against the last user turn (the query). */
  documents?: string[];
}

/** The timing and content of one attempt. All instants are `clock.now()` milliseconds. */
export interface AttemptResult {
  ok: boolean;
  /** Just before the HTTP call, body already serialised. */
  dispatchedAt: number;
  /** Status line and headers received (diagnostic only). */
  headersAt?: number;
  /** Arrival instants of the events that carried generated answer text, in order. */
  textEventTimes: number[];
  /** Arrival of the first event that carried reasoning text (`delta.reasoning_content`), streaming only. */
  firstReasoningAt?: number;
  /** End of the response, or of the failed attempt. */
  doneAt: number;
  httpStatus?: number;
  output: string;
  usage?: Usage;
  finishReason?: string;
  error?: ProviderError;
  rateLimit?: RateLimitSignal;
  /** Times the provider sent the request again on its own (after refreshing an expired token). */
  resends?: number;
  /** v1's safety and truncation fields; set by the v1 provider on every attempt, absent for other protocols. */
  flags?: AnswerFlags;
}

/** What a v1 answer says besides its text (qianfan-api.md §4.1, §9). */
export interface AnswerFlags {
  /** The input was judged unsafe: the session should be closed and its history cleared. */
  needClearHistory: boolean;
  /** With needClearHistory: the sensitive turn (-1 for the current one). */
  banRound?: number;
  /** The answer was cut (max_output_tokens reached). */
  isTruncated: boolean;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Called as soon as rate-limit headers are parsed, before the body is read. */
  onRateLimit?: (signal: RateLimitSignal) => void;
}

export interface Provider {
  readonly name: string;
  send(request: ProviderRequest, options?: SendOptions): Promise<AttemptResult>;
  /** Releases connections; pending sends are not affected. */
  close(): Promise<void>;
}
