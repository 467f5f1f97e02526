/**
 * Reading an SSE body, shared by every provider: each chunk is parsed with the arrival instant the
 * transport stamped on it (so time spent parsing here, or on other streams, never shifts a
 * timestamp), each complete event goes to `onEvent`, and an error it returns stops the read and
 * destroys the body. END, the protocol's last event (`[DONE]`, `is_end`), ends the answer at once,
 * whatever the server sends after it or however long it keeps the connection open: the rest is
 * discarded unparsed, and the body destroyed unless it ends soon (see drainAfterEnd).
 * A line or event longer than the response's byte cap fails the read with `response_too_large`.
 */
import { now } from '../util/clock.js';
import { cutRedacted } from '../util/redact.js';
import { ResponseTooLargeError } from './body-limit.js';
import type { HttpResponse } from './http.js';
import { SseParser, type SseEvent } from './sse.js';
import type { ProviderError } from './types.js';

export interface StreamReadResult {
  /** The first error `onEvent` returned, if any. */
  error?: ProviderError;
  /** Arrival of the last chunk read. */
  lastArrivalAt?: number;
}

/** What `onEvent` returns: nothing to go on, an error that fails the answer, or END after the last event. */
export const END = 'end';
export type EventVerdict = ProviderError | typeof END | undefined;

/** Consumed arrival stamps are dropped in batches, so an endless stream of tiny chunks holds no growing array. */
const ARRIVALS_KEPT = 1024;

export async function readEventStream(
  { body, timings, maxBytes, decoded }: HttpResponse,
  onEvent: (event: SseEvent) => EventVerdict,
): Promise<StreamReadResult> {
  const parser = new SseParser(maxBytes);
  const result: StreamReadResult = {};
  const handle = (events: SseEvent[]): EventVerdict => {
    for (const event of events) {
      const verdict = onEvent(event);
      if (verdict !== undefined) return verdict;
    }
    // Only once the events completed before it are handled: an end event in front of the excess wins.
    if (parser.exceeded) return answerTooLarge(maxBytes);
    return undefined;
  };
  const streamError = await new Promise<ProviderError | undefined>((resolve, reject) => {
    let chunkIndex = 0;
    let settled = false;
    const finish = (verdict: EventVerdict): void => {
      if (settled) return;
      settled = true;
      if (verdict === END) drainAfterEnd(body);
      else if (verdict !== undefined) {
        // After an error nothing more is read: closing the body closes the socket.
        body.removeAllListeners('data');
        body.destroy();
      }
      resolve(verdict === END ? undefined : verdict);
    };
    // A decoder's chunks do not line up with the wire's: each decoded chunk takes the latest arrival.
    const arrivalOf = (): number => {
      const arrivals = timings.arrivalTimes;
      if (decoded === true) return arrivals.at(-1) ?? now();
      const at = arrivals[chunkIndex++] ?? now();
      if (chunkIndex >= ARRIVALS_KEPT) {
        arrivals.splice(0, chunkIndex);
        chunkIndex = 0;
      }
      return at;
    };
    body.on('data', (chunk: Uint8Array) => {
      if (settled) return;
      const at = arrivalOf();
      result.lastArrivalAt = at;
      const verdict = handle(parser.push(chunk, at));
      if (verdict !== undefined) finish(verdict);
    });
    body.on('end', () => finish(handle(parser.end())));
    body.on('error', (error) => {
      if (!settled) reject(error);
    });
  });
  if (streamError !== undefined) result.error = streamError;
  return result;
}

/** How long, and how many bytes, a body may go on after its end event before it is destroyed. */
const AFTER_END_GRACE_MS = 1000;
const AFTER_END_MAX_BYTES = 64 * 1024;

/**
 * After the end event the answer is complete. A server normally ends the body right after it, and
 * letting it do so keeps the connection for the next request (destroying it would cost every
 * request a new connection, and its TTFT a connect). A server that keeps sending, or keeps the
 * body open, loses the connection after AFTER_END_MAX_BYTES or AFTER_END_GRACE_MS.
 */
function drainAfterEnd(body: HttpResponse['body']): void {
  if (body.readableEnded || body.destroyed) return;
  let extra = 0;
  const timer = setTimeout(() => body.destroy(), AFTER_END_GRACE_MS);
  timer.unref();
  body.on('data', (chunk: Uint8Array) => {
    extra += chunk.byteLength;
    if (extra > AFTER_END_MAX_BYTES) body.destroy();
  });
  body.once('close', () => clearTimeout(timer));
}

/** A stream line, event or the answer text accumulated from it passed the byte cap (the class is transportError's). */
export function answerTooLarge(maxBytes: number): ProviderError {
  return { class: 'fatal', code: 'response_too_large', message: new ResponseTooLargeError(maxBytes).message };
}

/** A stream event or line that is not what the protocol allows. */
export function malformedEvent(event: SseEvent): ProviderError {
  const where = event.kind === 'bare' ? 'unexpected line in stream' : 'malformed stream event';
  return { class: 'retryable', code: 'malformed_sse', message: `${where}: ${snippet(event.text)}` };
}

/** A JSON object, or undefined when the text is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A body or line, flattened and cut short for an error message. */
export function snippet(text: string): string {
  // Redacted before the cut: a secret straddling the cut would otherwise leave its start behind.
  // Only the head can show, so only the head is flattened (a body may be megabytes); 64K chars
  // keep far more than the cut even when redaction shortens the text.
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
  return cutRedacted(head.replace(/\s+/g, ' ').trim(), 120) || '(empty)';
}
