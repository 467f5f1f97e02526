import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetRow } from '../../src/dataset/types.js';
import { DEFAULT_RETRY_POLICY } from '../../src/load/retry.js';
import { runPlan, type RunnerOptions } from '../../src/load/runner.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import { buildPlan } from '../../src/plan/plan.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { clearTokenCache } from '../../src/providers/qianfan/oauth.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import { startSimulator, type RunningSimulator, type SimOptions } from '../../src/sim/index.js';

const WINDOW_MS = 2000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  clearTokenCache();
});

async function sim(options: SimOptions): Promise<RunningSimulator> {
  const running = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.05, prefillMsPerToken: 0, jitter: 0, windowMs: WINDOW_MS, ...options });
  cleanups.push(() => running.close());
  return running;
}

const rows: DatasetRow[] = Array.from({ length: 8 }, (_, i) => ({
  id: `r${i}`,
  source: { file: 'mem', line: i + 1 },
  messages: [{ role: 'user' as const, content: `short question ${i}` }],
  vars: {},
}));

interface Tally {
  ok: number;
  throttledAttempts: number;
  attempts: number;
  finished: FinishedRequest[];
}

async function drive(target: RunningSimulator, overrides: Partial<RunnerOptions>): Promise<Tally> {
  const agent = createAgent({ connections: 64, timeouts: DEFAULT_TIMEOUTS });
  cleanups.push(() => agent.destroy());
  const provider = createQianfanProvider({
    baseUrl: target.url,
    auth: { kind: 'oauth', credentials: target.credentials },
    dispatcher: agent,
    timeouts: DEFAULT_TIMEOUTS,
    refreshOnExpiredToken: true,
  });
  const plan = buildPlan({ targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }], grid: {}, rows, repeat: 1, seed: 3, api: 'chat', stream: false });
  const tally: Tally = { ok: 0, throttledAttempts: 0, attempts: 0, finished: [] };
  const before = target.stats.throttled;
  await runPlan({
    plan,
    provider,
    concurrency: 64,
    seed: 1,
    retry: { ...DEFAULT_RETRY_POLICY, retries: 0 },
    onFinished: (finished) => {
      tally.finished.push(finished);
      tally.attempts += finished.record.attempts;
      if (finished.record.outcome === 'ok') tally.ok++;
    },
    ...overrides,
  });
  tally.throttledAttempts = target.stats.throttled - before;
  return tally;
}

describe('adaptive limiter against the simulator quota', () => {
  it('uses the RPM quota almost fully with almost no throttling, where fixed -c 64 is throttled', async () => {
    const [adaptiveSim, fixedSim] = await Promise.all([sim({ rpm: 40 }), sim({ rpm: 40 })]);
    const durationMs = 3 * WINDOW_MS;
    const [adaptive, fixed] = await Promise.all([
      drive(adaptiveSim, { durationMs, adapt: { windowMs: WINDOW_MS, headroom: 0.97 } }),
      drive(fixedSim, { durationMs }),
    ]);
    // Fixed -c 64 takes every request the quota admits, on the same machine at the same moment: the
    // adaptive client gets nearly as many through without the throttling. (The share of the quota
    // used in a fixed time is a throughput figure, measured by `npm run bench`, not asserted.)
    expect(adaptive.ok).toBeGreaterThanOrEqual(0.7 * fixed.ok);
    expect(adaptive.throttledAttempts / adaptive.attempts).toBeLessThan(0.01);
    expect(fixed.throttledAttempts / fixed.attempts).toBeGreaterThan(0.5);
    expect(fixed.throttledAttempts).toBeGreaterThan(adaptive.throttledAttempts * 10);
  }, 30_000);

  it('keeps within a TPM quota, learning the token cost from usage', async () => {
    const target = await sim({ tpm: 4000, outputTokens: { min: 40, max: 80 } });
    const tally = await drive(target, { durationMs: 3 * WINDOW_MS, adapt: { windowMs: WINDOW_MS, headroom: 0.97 } });
    expect(tally.ok).toBeGreaterThan(50);
    // Server-side count: the simulator refused almost none. (How much of the TPM quota a few seconds used is a bench figure.)
    expect(tally.throttledAttempts / tally.attempts).toBeLessThan(0.02);
  }, 30_000);

  it('two clients on the same credentials converge on sharing the quota', async () => {
    const target = await sim({ rpm: 40 });
    const durationMs = 4 * WINDOW_MS;
    const adapt = { windowMs: WINDOW_MS, headroom: 0.97 };
    const [a, b] = await Promise.all([drive(target, { durationMs, adapt, seed: 1 }), drive(target, { durationMs, adapt, seed: 2 })]);
    const throttled = a.throttledAttempts + b.throttledAttempts; // both read the same server counter
    expect(throttled / 2 / (a.attempts + b.attempts)).toBeLessThan(0.05);
    // They share it, and kept going past the first window; how full they ran it in 8 s is a bench figure.
    expect(a.ok + b.ok).toBeGreaterThan(40);
    expect(Math.min(a.ok, b.ok)).toBeGreaterThanOrEqual(0.25 * (a.ok + b.ok));
  }, 30_000);
});

describe('open-loop arrivals', () => {
  it.each(['constant', 'poisson'] as const)(
    '%s arrivals hit their rate, with t_sched on the schedule',
    async (arrival) => {
      const target = await sim({});
      const tally = await drive(target, { load: { kind: 'open', rate: 100, arrival }, durationMs: 2000, concurrency: 32 });
      const expected = 200;
      const tolerance = arrival === 'constant' ? 1 : 45; // Poisson: about 3 standard deviations (sqrt(200) = 14)
      expect(Math.abs(tally.finished.length - expected)).toBeLessThanOrEqual(tolerance);
      const offsets = tally.finished.map((f) => f.record.schedOffsetMs ?? Number.NaN).sort((x, y) => x - y);
      if (arrival === 'constant') offsets.forEach((offset, i) => expect(offset).toBeCloseTo(i * 10, 0));
      expect(offsets.at(-1)!).toBeLessThan(2000);
    },
    20_000,
  );

  it('a capped open loop shows its lag, and arrivals it never could send are dropped with a reason, not lost', async () => {
    const target = await sim({ firstChunkMs: 100 });
    const tally = await drive(target, { load: { kind: 'open', rate: 100, arrival: 'constant' }, durationMs: 1000, concurrency: 2 });
    expect(tally.finished).toHaveLength(100);
    const ok = tally.finished.filter((f) => f.record.outcome === 'ok');
    const dropped = tally.finished.filter((f) => f.record.outcome === 'dropped');
    expect(ok.length).toBeGreaterThan(5);
    expect(ok.length + dropped.length).toBe(100);
    expect(dropped.every((f) => /--duration/.test(f.record.errorMsg ?? ''))).toBe(true);
    const lags = ok.map((f) => f.record.queueMs ?? 0);
    expect(Math.max(...lags)).toBeGreaterThan(300);
    // Latency from the schedule includes that wait; latency from dispatch does not.
    const last = ok.find((f) => (f.record.queueMs ?? 0) === Math.max(...lags))!;
    expect(last.record.latencySchedMs! - last.record.latencyMs!).toBeCloseTo(last.record.queueMs!, 0);
  }, 20_000);
});
