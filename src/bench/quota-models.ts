/**
 * Quota models: for each way a server's quota can refill (token bucket, fixed window, rolling
 * window, each a simulator in its own process), how long N streamed requests take from the FIRST
 * request, the share of attempts throttled, and the quota used over that time; side by side for
 * the adaptive limiter (Remaining as credit), the older even pacing (`pacing: 'even'`, a baseline)
 * and a fixed `-c` (`--no-adapt`), all in one run. The window is shortened (scaled RPM) so the
 * whole section takes well under a minute; times are also shown in windows.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import type { LimiterConfig } from '../load/limiter.js';
import { now } from '../util/clock.js';
import { driveQfbench } from './drive.js';
import { startSimChild } from './sim-child.js';

export type BenchQuotaModel = 'bucket' | 'fixed' | 'rolling';
export type BenchClient = 'credit' | 'even pacing' | 'no-adapt';

export interface QuotaModelCase {
  model: BenchQuotaModel;
  /** Requests per window. */
  limit: number;
  windowMs: number;
  requests: number;
  concurrency: number;
}

export interface QuotaModelResult extends QuotaModelCase {
  client: BenchClient;
  ok: number;
  attempts: number;
  throttledAttempts: number;
  /** From the first request sent to the last answer. */
  seconds: number;
  /** The least time the quota allows (fixed: the window phase is unknown, so one whole window per refill). */
  idealSeconds: number;
  /** ok / what the quota allowed over that time (a full window at the start plus the refill since). */
  quotaUsed: number;
}

export function idealSeconds(c: QuotaModelCase): number {
  const refills = Math.max(0, c.requests - c.limit) / c.limit;
  return ((c.model === 'bucket' ? refills : Math.ceil(refills)) * c.windowMs) / 1000;
}

async function runCase(c: QuotaModelCase, client: BenchClient): Promise<QuotaModelResult> {
  const sim = await startSimChild({ rpm: c.limit, windowMs: c.windowMs, quotaModel: c.model, firstChunkMs: 50, msPerOutputToken: 2, jitter: 0.1, outputTokens: { min: 20, max: 60 } });
  try {
    const finished: FinishedRequest[] = [];
    let firstAt: number | undefined;
    const adapt: Omit<LimiterConfig, 'maxConcurrency'> | undefined =
      client === 'no-adapt' ? undefined : { windowMs: c.windowMs, headroom: 0.97, ...(client === 'even pacing' ? { pacing: 'even' as const } : {}) };
    await driveQfbench({
      url: sim.url,
      auth: { kind: 'oauth', credentials: sim.credentials },
      concurrency: c.concurrency,
      requests: c.requests,
      stream: true,
      // Enough retries that every request gets through in the end: the time to finish all N is the figure.
      retries: 50,
      ...(adapt !== undefined ? { adapt } : {}),
      onStart: () => (firstAt ??= now()),
      onFinished: (f) => finished.push(f),
    });
    const seconds = (now() - (firstAt ?? now())) / 1000;
    const stats = await sim.stats();
    const ok = finished.filter((f) => f.record.outcome === 'ok').length;
    const attempts = finished.reduce((sum, f) => sum + f.record.attempts, 0);
    const allowed = c.limit * (1 + (seconds * 1000) / c.windowMs);
    return { ...c, client, ok, attempts, throttledAttempts: stats.throttled, seconds, idealSeconds: idealSeconds(c), quotaUsed: ok / allowed };
  } finally {
    await sim.close();
  }
}

/** Every case with every client, all at once (each on its own simulator process). */
export async function benchQuotaModels(cases: readonly QuotaModelCase[]): Promise<QuotaModelResult[]> {
  const clients: BenchClient[] = ['credit', 'even pacing', 'no-adapt'];
  return Promise.all(cases.flatMap((c) => clients.map((client) => runCase(c, client))));
}
