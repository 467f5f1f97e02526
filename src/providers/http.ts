/**
 * The HTTP transport every provider shares: one undici Agent with an explicit connection count and
 * explicit timeouts (undici's 300 s defaults are not a choice), plus the mapping of transport
 * failures to error classes.
 */
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { now } from '../util/clock.js';
import { DEFAULT_MAX_RESPONSE_BYTES, isResponseTooLarge, UnsupportedEncodingError } from './body-limit.js';
import { isDecodingError } from './content-encoding.js';
import type { HeaderBag } from './rate-limit-headers.js';
import type { ProviderError } from './types.js';

export interface HttpTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From the request being written to the status line and headers. */
  firstByteMs: number;
  /** Longest silence allowed between two body chunks (a stalled stream). */
  idleMs: number;
  /** Whole attempt, from dispatch to the end of the body. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
};

export interface TransportOptions {
  /** Connections per origin; at least the run's concurrency so no request queues inside undici. */
  connections: number;
  timeouts: HttpTimeouts;
}

export function createAgent({ connections, timeouts }: TransportOptions): Agent {
  return new TimedAgent({
    connections,
    pipelining: 1,
    connect: { timeout: timeouts.connectMs },
    // The total limit is enforced by `exchange` only once a body exists, so the wait for headers
    // must not outlast it.
    headersTimeout: Math.min(timeouts.firstByteMs, timeouts.totalMs),
    bodyTimeout: timeouts.idleMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
}

/**
 * Instants the transport stamps itself, from inside undici's handler callbacks: `writtenAt` when
 * undici starts writing the request to a socket, and one arrival per body chunk the moment the
 * HTTP parser hands it over, before any stream, promise or parsing of ours runs (metrics.md: t_ev
 * is stamped on the socket data callback). Chunks reach the body stream in the same order.
 * Stamping the write, not the call, keeps a wait inside the HTTP client (undici holds a reused
 * keep-alive socket for one event-loop turn before writing) out of TTFT: it counts as queue wait.
 */
export interface TransportTimings {
  writtenAt?: number;
  arrivalTimes: number[];
  /**
   * Set by a reader that needs only the last arrival (a buffered body, a decoded stream): each
   * chunk then overwrites it, so a body of a million tiny chunks does not grow a million stamps.
   */
  lastOnly?: boolean;
}

/** The handler methods undici's Request calls (its classic handler interface). */
interface ClassicHandler {
  onConnect(abort: (error?: Error) => void, context?: unknown): void;
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: string[] | null): void;
  onError(error: Error): void;
  onUpgrade?(statusCode: number, headers: Buffer[] | string[] | null, socket: unknown): void;
  onBodySent?(chunk: unknown): void;
  onRequestSent?(): void;
  onResponseStarted?(): void;
}

/** Forwards to undici's own request handler, stamping the write and each body chunk on the way. */
class TimingHandler implements ClassicHandler {
  constructor(
    private readonly inner: ClassicHandler,
    private readonly timings: TransportTimings,
  ) {}

  onConnect(abort: (error?: Error) => void, context?: unknown): void {
    this.timings.writtenAt = now();
    this.inner.onConnect(abort, context);
  }
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.inner.onHeaders(statusCode, headers, resume, statusText);
  }
  onData(chunk: Buffer): boolean {
    const arrivals = this.timings.arrivalTimes;
    if (this.timings.lastOnly === true && arrivals.length > 0) arrivals[arrivals.length - 1] = now();
    else arrivals.push(now());
    return this.inner.onData(chunk);
  }
  onComplete(trailers: string[] | null): void {
    this.inner.onComplete(trailers);
  }
  onError(error: Error): void {
    this.inner.onError(error);
  }
  onBodySent(chunk: unknown): void {
    this.inner.onBodySent?.(chunk);
  }
  onRequestSent(): void {
    this.inner.onRequestSent?.();
  }
  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }
}

/**
 * An Agent that stamps requests carrying `transportTimings`. A subclass rather than a composed
 * interceptor: `compose` wraps the dispatcher in a Proxy and every handler in two adapter layers,
 * which costs measurable CPU per request at tens of thousands of requests per second.
 */
class TimedAgent extends Agent {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const timings = (options as { transportTimings?: TransportTimings }).transportTimings;
    if (timings === undefined || typeof (handler as Partial<ClassicHandler>).onData !== 'function') return super.dispatch(options, handler);
    return super.dispatch(options, new TimingHandler(handler as unknown as ClassicHandler, timings) as unknown as Dispatcher.DispatchHandler);
  }
}

/** Thrown into an in-flight request when its total time runs out, to tell it from a user abort. */
export class TotalTimeoutError extends Error {
  override readonly name = 'TotalTimeoutError';
}

const TIMEOUT_PHASES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'first byte',
  UND_ERR_BODY_TIMEOUT: 'idle gap between chunks',
};

/** Classifies an exception thrown by undici (or by our own total-time abort, byte cap or decoder). */
export function transportError(error: unknown, timeouts: HttpTimeouts): ProviderError {
  const cause = error instanceof Error ? error : new Error(String(error));
  if (cause instanceof TotalTimeoutError || cause.cause instanceof TotalTimeoutError) {
    return { class: 'timeout', code: 'timeout_total', message: `timeout (total): no complete answer within ${timeouts.totalMs} ms` };
  }
  // `fatal`, so never retried: a server that sent more than the cap once will most likely do it
  // again, and every retry would cost another cap's worth of bytes and time.
  if (isResponseTooLarge(cause)) return { class: 'fatal', code: 'response_too_large', message: cause.message };
  if (cause instanceof UnsupportedEncodingError) return { class: 'fatal', code: 'unsupported_encoding', message: cause.message };
  const code = (cause as { code?: string }).code ?? (cause.cause as { code?: string } | undefined)?.code;
  if (isDecodingError(cause)) {
    return { class: 'retryable', code: 'invalid_encoding', message: `the answer does not decode as its Content-Encoding says: ${cause.message}` };
  }
  if (code !== undefined && code in TIMEOUT_PHASES) {
    const phase = TIMEOUT_PHASES[code] as string;
    const limit = code === 'UND_ERR_CONNECT_TIMEOUT' ? timeouts.connectMs : code === 'UND_ERR_HEADERS_TIMEOUT' ? timeouts.firstByteMs : timeouts.idleMs;
    return { class: 'timeout', code: `timeout_${phase.split(' ')[0]}`, message: `timeout (${phase}): over ${limit} ms` };
  }
  return {
    class: 'network',
    code: code ?? 'network_error',
    message: `connection failed: ${cause.message}`,
  };
}

/** A response body: read it with readTextCapped or readEventStream (never `text()`: it has no limit). */
export type ResponseBody = Readable;

export interface HttpResponse {
  status: number;
  headers: HeaderBag;
  body: ResponseBody;
  /** Filled by the transport as the exchange goes on. */
  timings: TransportTimings;
  /** --max-response-bytes: the most this answer may hold, decoded (one SSE line or event, the answer text). */
  maxBytes: number;
  /** The body is a decoder over the wire bytes, so its chunks do not line up with `timings.arrivalTimes`. */
  decoded?: boolean;
}

export interface ExchangeRequest {
  dispatcher: Dispatcher;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeouts: HttpTimeouts;
  /** The run's abort signal: when it fires, the exchange throws instead of reporting an error. */
  signal?: AbortSignal | undefined;
  /** Cap on any body buffered from the answer (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number | undefined;
}

export interface ExchangeOutcome {
  /** A transport failure or timeout; undefined when `read` ran to its end. */
  error?: ProviderError;
  /** When undici began writing the request, if it got that far. */
  writtenAt?: number;
}

/**
 * POSTs a body and hands the response to `read`. Transport failures and timeouts come back as a
 * ProviderError. The total time limit destroys the body rather than aborting through a signal of
 * its own: an AbortSignal per request (and AbortSignal.any) costs measurable time with thousands
 * of requests in flight.
 */
export async function exchange(req: ExchangeRequest, read: (response: HttpResponse) => Promise<void>): Promise<ExchangeOutcome> {
  let body: ResponseBody | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    body?.destroy(new TotalTimeoutError('total timeout'));
  }, req.timeouts.totalMs);
  const timings: TransportTimings = { arrivalTimes: [] };
  try {
    // origin + path rather than a URL: undici would parse the URL again on every request.
    const pathStart = req.url.indexOf('/', req.url.indexOf('//') + 2);
    const options = {
      origin: pathStart === -1 ? req.url : req.url.slice(0, pathStart),
      path: pathStart === -1 ? '/' : req.url.slice(pathStart),
      method: 'POST' as const,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      transportTimings: timings,
    };
    const response = await req.dispatcher.request(options);
    body = response.body as unknown as ResponseBody;
    if (timedOut) body.destroy(new TotalTimeoutError('total timeout'));
    await read({
      status: response.statusCode,
      headers: response.headers as HeaderBag,
      body,
      timings,
      maxBytes: req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    return withWrittenAt({}, timings);
  } catch (error) {
    if (req.signal?.aborted === true && !timedOut) throw error;
    return withWrittenAt({ error: transportError(timedOut ? new TotalTimeoutError('total timeout') : error, req.timeouts) }, timings);
  } finally {
    clearTimeout(timer);
  }
}

function withWrittenAt(outcome: ExchangeOutcome, timings: TransportTimings): ExchangeOutcome {
  if (timings.writtenAt !== undefined) outcome.writtenAt = timings.writtenAt;
  return outcome;
}
