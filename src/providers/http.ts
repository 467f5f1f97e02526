/**
 * The HTTP transport every provider shares: one undici Agent with an explicit connection count and
 * explicit timeouts (undici's 300 s defaults are not a choice), plus the mapping of transport
 * failures to error classes.
 */
import { Agent } from 'undici';
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
  return new Agent({
    connections,
    pipelining: 1,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
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

/** Classifies an exception thrown by undici (or by our own total-time abort). */
export function transportError(error: unknown, timeouts: HttpTimeouts): ProviderError {
  const cause = error instanceof Error ? error : new Error(String(error));
  if (cause instanceof TotalTimeoutError || cause.cause instanceof TotalTimeoutError) {
    return { class: 'timeout', code: 'timeout_total', message: `timeout (total): no complete answer within ${timeouts.totalMs} ms` };
  }
  const code = (cause as { code?: string }).code ?? (cause.cause as { code?: string } | undefined)?.code;
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
