/**
 * Quota models: for each way a server's quota can refill (token bucket, fixed window, rolling
 * window, each a simulator in its own process), how long N streamed requests take from the FIRST
 * request, the share of attempts throttled, and the quota used over that time; side by side for
 * the adaptive limiter (Remaining as credit), the older even pacing (`pacing: 'even'`, a baseline)
 * and a fixed `-c` (`--no-adapt`), all in one run. Each model is served twice: by our simulator
 * and by an independent quota server that shares no code with it (quota-server.ts), whose fixed
 * window is a third of a window in when the run starts, as a real minute would be. The window is
 * shortened (scaled RPM) by default so the whole section takes under a minute.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import type { LimiterConfig } from '../load/limiter.js';
import { now } from '../util/clock.js';
import { startChild } from './child.js';
import { driveQfbench } from './drive.js';
import type { QianfanAuth } from '../providers/qianfan/provider.js';
import { startSimChild } from './sim-child.js';

export type BenchQuotaModel = 'bucket' | 'fixed' | 'rolling';
export type BenchClient = 'credit' | 'even pacing' | 'no-adapt';
export type BenchServer = 'simulator' | 'independent';

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
  server: BenchServer;
  ok: number;
  attempts: number;
  throttledAttempts: number;
  /** From the first request sent to the last answer. */
  seconds: number;
  /** The least time the quota allows (fixed: the phase is not the client's to know, so one whole window per refill). */
  idealSeconds: number;
  /** ok / what the quota allowed over that time (a full window at the start plus the refill since). */
  quotaUsed: number;
}

export function idealSeconds(c: QuotaModelCase): number {
  const refills = Math.max(0, c.requests - c.limit) / c.limit;
  return ((c.model === 'bucket' ? refills : Math.ceil(refills)) * c.windowMs) / 1000;
}

interface QuotaTarget {
  url: string;
  auth: QianfanAuth;
  stats(): Promise<{ throttled: number }>;
  close(): Promise<void>;
}

async function startTarget(c: QuotaModelCase, server: BenchServer): Promise<QuotaTarget> {
  if (server === 'simulator') {
    const sim = await startSimChild({
      rpm: c.limit,
      windowMs: c.windowMs,
      quotaModel: c.model,
      firstChunkMs: 50,
      msPerOutputToken: 2,
      jitter: 0.1,
      outputTokens: { min: 20, max: 60 },
    });
    return { url: sim.url, auth: { kind: 'oauth', credentials: sim.credentials }, stats: () => sim.stats(), close: () => sim.close() };
  }
  const options = { model: c.model, limit: c.limit, windowMs: c.windowMs, answerMs: 130, phaseMs: c.windowMs / 3 };
  const child = await startChild<{ url: string }>('./quota-server-process.js', [JSON.stringify(options)]);
  return {
    url: child.ready.url,
    auth: { kind: 'access-token', accessToken: 'bench-token' },
    stats: () => child.request<{ throttled: number }>({ type: 'counters' }),
    close: () => child.close(),
  };
}

async function runCase(c: QuotaModelCase, client: BenchClient, server: BenchServer): Promise<QuotaModelResult> {
  const sim = await startTarget(c, server);
  try {
    const finished: FinishedRequest[] = [];
    let firstAt: number | undefined;
    const adapt: Omit<LimiterConfig, 'maxConcurrency'> | undefined =
      client === 'no-adapt' ? undefined : { windowMs: c.windowMs, headroom: 0.97, ...(client === 'even pacing' ? { pacing: 'even' as const } : {}) };
    await driveQfbench({
      url: sim.url,
      auth: sim.auth,
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
    return { ...c, client, server, ok, attempts, throttledAttempts: stats.throttled, seconds, idealSeconds: idealSeconds(c), quotaUsed: ok / allowed };
  } finally {
    await sim.close();
  }
}

/** Every case with every client on every server, all at once (each server in its own process). */
export async function benchQuotaModels(cases: readonly QuotaModelCase[], servers: readonly BenchServer[]): Promise<QuotaModelResult[]> {
  const clients: BenchClient[] = ['credit', 'even pacing', 'no-adapt'];
  return Promise.all(cases.flatMap((c) => servers.flatMap((server) => clients.map((client) => runCase(c, client, server)))));
}
