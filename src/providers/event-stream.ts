/**
 * Reading an SSE body, shared by every provider: each chunk is parsed with the arrival instant the
 * transport stamped on it (so time spent parsing here, or on other streams, never shifts a
 * timestamp), each complete event goes to `onEvent`, and an error it returns stops the read and
 * destroys the body.
 */
import { now } from '../util/clock.js';
import type { HttpResponse } from './http.js';
import { SseParser, type SseEvent } from './sse.js';
import type { ProviderError } from './types.js';

export interface StreamReadResult {
  /** The first error `onEvent` returned, if any. */
  error?: ProviderError;
  /** Arrival of the last chunk read. */
  lastArrivalAt?: number;
}

export async function readEventStream({ body, timings }: HttpResponse, onEvent: (event: SseEvent) => ProviderError | undefined): Promise<StreamReadResult> {
  const parser = new SseParser();
  const result: StreamReadResult = {};
  const handle = (events: SseEvent[]): ProviderError | undefined => {
    for (const event of events) {
      const error = onEvent(event);
      if (error !== undefined) return error;
    }
    return undefined;
  };
  const streamError = await new Promise<ProviderError | undefined>((resolve, reject) => {
    let chunkIndex = 0;
    let settled = false;
    const finish = (error: ProviderError | undefined): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined) {
        body.removeAllListeners('data');
        body.destroy();
      }
      resolve(error);
    };
    body.on('data', (chunk: Uint8Array) => {
      const at = timings.arrivalTimes[chunkIndex++] ?? now();
      result.lastArrivalAt = at;
      const error = handle(parser.push(chunk, at));
      if (error !== undefined) finish(error);
    });
    body.on('end', () => finish(handle(parser.end())));
    body.on('error', (error) => {
      if (!settled) reject(error);
    });
  });
  if (streamError !== undefined) result.error = streamError;
  return result;
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
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || '(empty)';
}
