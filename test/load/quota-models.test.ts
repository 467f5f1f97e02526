/**
 * The adaptive limiter against independent quota servers (quota-server.ts, not our simulator) with
 * one-second windows: Remaining is spent at once, the refill model is learnt without being told,
 * few attempts are refused, and a throttle the headers contradict does not shrink the run.
 * Assertions are server-side counts and lower bounds on time only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetRow } from '../../src/dataset/types.js';
import type { AdaptiveLimiter } from '../../src/load/limiter.js';
import { runPlan } from '../../src/load/runner.js';
import { buildPlan } from '../../src/plan/plan.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import { startQuotaServer, type QuotaServer, type QuotaServerOptions } from '../../src/bench/quota-server.js';

const WINDOW_MS = 1000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const rows: DatasetRow[] = Array.from({ length: 4 }, (_, i) => ({
  id: `r${i}`,
  source: { file: 'mem', line: i + 1 },
  messages: [{ role: 'user' as const, content: `question ${i}` }],
  vars: {},
}));

interface Outcome {
  server: QuotaServer;
  ok: number;
  attempts: number;
  limiter: AdaptiveLimiter;
  startedAt: number;
  endedAt: number;
}

async function run(options: QuotaServerOptions, requests: number, concurrency: number): Promise<Outcome> {
  const server = await startQuotaServer(options);
  cleanups.push(() => server.close());
  const agent = createAgent({ connections: concurrency, timeouts: DEFAULT_TIMEOUTS });
  cleanups.push(() => agent.destroy());
  const provider = createQianfanProvider({
    baseUrl: server.url,
    auth: { kind: 'access-token', accessToken: 'test-token' },
    dispatcher: agent,
    timeouts: DEFAULT_TIMEOUTS,
    refreshOnExpiredToken: false,
  });
  const plan = buildPlan({ targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }], grid: {}, rows, repeat: 1, seed: 3, api: 'chat', stream: false });
  const limiters = new Map<string, AdaptiveLimiter>();
  let ok = 0;
  let attempts = 0;
  const startedAt = performance.now();
  await runPlan({
    plan,
    provider,
    concurrency,
    seed: 1,
    maxRequests: requests,
    limiters,
    retry: { retries: 3, baseDelayMs: 50, maxDelayMs: 200 },
    adapt: { windowMs: options.windowMs, headroom: 0.97 },
    onFinished: (finished) => {
      attempts += finished.record.attempts;
      if (finished.record.outcome === 'ok') ok++;
    },
  });
  return { server, ok, attempts, limiter: [...limiters.values()][0]!, startedAt, endedAt: performance.now() };
}

/** Admissions within `ms` of the server's first one. */
const admittedWithin = (server: QuotaServer, ms: number): number => server.admitted.filter((at) => at - server.admitted[0]! <= ms).length;

describe('the limiter spends what the quota allows, whatever its model', () => {
  it.each(['bucket', 'fixed', 'rolling'] as const)(
    '%s: Remaining spent at once, few refusals, refill learnt',
    async (model) => {
      const limit = 20;
      const requests = 70;
      const outcome = await run({ model, limit, windowMs: WINDOW_MS, answerMs: 20 }, requests, 16);
      expect(outcome.ok).toBe(requests);
      // Most of the first window's quota went in its first fifth: credit spent, not paced at limit/window.
      expect(admittedWithin(outcome.server, WINDOW_MS / 5)).toBeGreaterThanOrEqual(14);
      // At most 5% of attempts refused (in practice none or one: a single probe for a bucket).
      expect(outcome.server.refused / outcome.attempts).toBeLessThanOrEqual(0.05);
      // The quota itself bounds how fast it can be: 70 requests need 2.5 windows' refill beyond the first 20.
      expect(outcome.endedAt - outcome.startedAt).toBeGreaterThan(((requests - limit) / limit) * WINDOW_MS * 0.9 - 100);
      expect(outcome.limiter.snapshot().refill).not.toBe('shared');
    },
    30_000,
  );

  it('probing after exhaustion costs at most 1% of attempts over several windows (rolling)', async () => {
    const outcome = await run({ model: 'rolling', limit: 20, windowMs: WINDOW_MS, answerMs: 10 }, 100, 16);
    expect(outcome.ok).toBe(100);
    expect(outcome.server.refused).toBeLessThanOrEqual(1);
  }, 30_000);

  it('a quota with room for all requests at once is not paced: the server sees -c requests in flight', async () => {
    // CI-sized: 100 requests, 600 per window (a minute, as a real RPM), -c 16.
    const outcome = await run({ model: 'rolling', limit: 600, windowMs: 60_000, answerMs: 40 }, 100, 16);
    expect(outcome.ok).toBe(100);
    expect(outcome.server.refused).toBe(0);
    expect(outcome.server.maxInFlight).toBe(16);
    // Not just a first burst: most requests arrived while the others of -c were still running.
    const crowded = outcome.server.inFlightAtAdmission.filter((others) => others >= 4).length;
    expect(crowded).toBeGreaterThanOrEqual(70);
  }, 30_000);

  it('throttles the headers contradict (plenty remains) do not shrink the run', async () => {
    const outcome = await run({ model: 'rolling', limit: 600, windowMs: 60_000, answerMs: 30, refuseArrivals: [20, 40] }, 120, 16);
    expect(outcome.ok).toBe(120);
    expect(outcome.server.refused).toBe(2);
    expect(outcome.limiter.snapshot().concurrency).toBe(16);
    expect(outcome.limiter.snapshot().throttled).toBe(2);
  }, 30_000);

  it('a server with only Limit headers is paced, not burst: few refusals', async () => {
    const outcome = await run({ model: 'rolling', limit: 20, windowMs: WINDOW_MS, answerMs: 10, headers: 'limit' }, 50, 16);
    expect(outcome.ok).toBe(50);
    expect(outcome.server.refused / outcome.attempts).toBeLessThanOrEqual(0.05);
  }, 30_000);

  it('a server with no headers at all still finishes (AIMD on error 18)', async () => {
    const outcome = await run({ model: 'rolling', limit: 30, windowMs: WINDOW_MS, answerMs: 10, headers: 'none', throttleCode: 18 }, 40, 8);
    expect(outcome.ok + outcome.server.refused).toBeGreaterThanOrEqual(40);
    expect(outcome.ok).toBeGreaterThan(30);
  }, 30_000);
});
