/**
 * What the v2 and embeddings handlers need from the running simulator, built once by server.ts
 * from its shared state: the same options, counters, timers, v1 auth and quota book as the v1
 * chat path, the v2 quota book, and the per-request random streams.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Random } from '../util/random.js';
import type { AuthContext } from './auth.js';
import type { DeadlineTimers } from './deadlines.js';
import type { ResolvedSimOptions } from './options.js';
import type { QuotaBook } from './quota.js';
import type { SimStats } from './server.js';
import type { V2QuotaBook } from './v2-quota.js';

export interface SimContext {
  readonly options: ResolvedSimOptions;
  readonly stats: SimStats;
  readonly timers: DeadlineTimers;
  /** v1 access-token auth, for the v1 embeddings endpoint. */
  readonly auth: AuthContext;
  /** The v1 per-endpoint quota book (v1 embeddings are charged to `embeddings/<suffix>`). */
  readonly quotas: QuotaBook;
  readonly v2Quotas: V2QuotaBook;
  /**
   * The random stream of the next request: 'chat' shares the v1 chat arrival counter (so v1 and v2
   * chat requests draw jitter, faults and ids in arrival order from one sequence); 'embeddings' has a
   * counter of its own, so embedding traffic never shifts which chat requests get faulted.
   */
  nextRequestRandom(kind: 'chat' | 'embeddings'): Random;
  /** Adds an arrival -> first text sample to stats.firstChunkDelaysMs (and its planned delay). */
  recordFirstChunk(delayMs: number, plannedMs: number): void;
}

/** The request body, or undefined when the client went away before sending all of it. */
export function readRequestBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** `Authorization: Bearer <key>` with the configured key. */
export function bearerOk(req: IncomingMessage, expected: string): boolean {
  const value = req.headers.authorization;
  if (typeof value !== 'string') return false;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match !== null && match[1] === expected;
}

/** Counts a request as in flight until its response closes; `onClose` runs then too. */
export function trackInFlight(stats: SimStats, res: ServerResponse, onClose: () => void): void {
  stats.inFlight++;
  res.once('close', () => {
    stats.inFlight--;
    onClose();
  });
}
