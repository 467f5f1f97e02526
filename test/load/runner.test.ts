import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import type { DatasetRow } from '../../src/dataset/types.js';
import { DEFAULT_RETRY_POLICY } from '../../src/load/retry.js';
import { runPlan } from '../../src/load/runner.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import { buildPlan } from '../../src/plan/plan.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let agent: Agent;
const timeouts = { ...DEFAULT_TIMEOUTS, idleMs: 300 };

beforeAll(async () => {
  sim = await startSimulator({
    firstChunkMs: 2,
    msPerOutputToken: 0.05,
    prefillMsPerToken: 0,
    jitter: 0,
    stallMs: 2_000,
    seed: 11,
    faults: {
      http500: 0.05,
      busy: 0.05,
      resetBeforeHeaders: 0.05,
      jsonInsteadOfStream: 0.05,
      cutMidStream: 0.05,
      garbageSse: 0.05,
      midStreamError: 0.05,
      stall: 0.02,
    },
  });
  agent = createAgent({ connections: 16, timeouts });
});
afterAll(async () => {
  await agent.destroy();
  await sim.close();
});

function rows(count: number): DatasetRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    source: { file: 'mem', line: i + 1 },
    messages: [{ role: 'user' as const, content: `question number ${i}` }],
    vars: {},
  }));
}

async function run(retries: number, repeat: number, stop?: AbortController): Promise<FinishedRequest[]> {
  const provider = createQianfanProvider({
    baseUrl: sim.url,
    auth: { kind: 'oauth', credentials: sim.credentials },
    dispatcher: agent,
    timeouts,
    refreshOnExpiredToken: retries > 0,
  });
  const plan = buildPlan({
    targets: [
      { model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' },
      { model: 'ERNIE-Lite-8K', endpoint: 'ernie-lite-8k' },
    ],
    grid: {},
    rows: rows(10),
    repeat,
    seed: 5,
    api: 'chat',
    stream: true,
  });
  const finished: FinishedRequest[] = [];
  await runPlan({
    plan,
    provider,
    concurrency: 16,
    retry: { ...DEFAULT_RETRY_POLICY, retries, baseDelayMs: 1, maxDelayMs: 5 },
    seed: 1,
    stopSignal: stop?.signal,
    onFinished: (f) => void finished.push(f),
  });
  return finished;
}

describe('runner under injected faults', () => {
  it('ends every planned request with exactly one outcome', async () => {
    const finished = await run(2, 10);
    expect(finished).toHaveLength(200);
    expect(new Set(finished.map((f) => f.record.seq)).size).toBe(200);
    const outcomes = new Set(finished.map((f) => f.record.outcome));
    expect(outcomes.has('ok')).toBe(true);
    expect(finished.some((f) => f.record.attempts > 1)).toBe(true);
    for (const { record } of finished) {
      if (record.outcome !== 'ok') expect(record.errorCode ?? record.errorMsg).toBeTruthy();
    }
  });

  it('--retries 0 sends every request once, faults and all', async () => {
    const before = sim.stats.chatRequests;
    const finished = await run(0, 10);
    expect(finished).toHaveLength(200);
    expect(finished.every((f) => f.record.attempts === 1)).toBe(true);
    expect(sim.stats.chatRequests - before).toBe(200);
    expect(finished.some((f) => f.record.outcome !== 'ok')).toBe(true);
  });

  it('a stop before the start cancels everything without sending', async () => {
    const stop = new AbortController();
    stop.abort();
    const before = sim.stats.chatRequests;
    const finished = await run(2, 2, stop);
    expect(finished).toHaveLength(40);
    expect(finished.every((f) => f.record.outcome === 'cancelled' && f.record.attempts === 0)).toBe(true);
    expect(sim.stats.chatRequests).toBe(before);
  });
});

describe('runner edge cases found in review', () => {
  it('a sink that throws fails the run with that error, after the requests in flight have ended', async () => {
    const provider = createQianfanProvider({
      baseUrl: sim.url,
      auth: { kind: 'oauth', credentials: sim.credentials },
      dispatcher: agent,
      timeouts,
      refreshOnExpiredToken: true,
    });
    const plan = buildPlan({
      targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }],
      grid: {},
      rows: rows(4),
      repeat: 5,
      seed: 5,
      api: 'chat',
      stream: false,
    });
    let calls = 0;
    await expect(
      runPlan({
        plan,
        provider,
        concurrency: 4,
        retry: { ...DEFAULT_RETRY_POLICY, retries: 0 },
        seed: 1,
        onFinished: () => {
          calls++;
          if (calls === 3) throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });

  it('a retry still waiting for the limiter when --duration ends keeps the answer it got', async () => {
    const provider = createQianfanProvider({
      baseUrl: sim.url,
      auth: { kind: 'oauth', credentials: sim.credentials },
      dispatcher: agent,
      timeouts,
      refreshOnExpiredToken: true,
    });
    // Every attempt is throttled (336501, no Retry-After): the limiter then holds starts for a
    // second, so the retries are still waiting for it when the 300 ms run ends.
    const throttledRows: DatasetRow[] = [
      { id: 'q', source: { file: 'mem', line: 1 }, messages: [{ role: 'user', content: '[[sim:error=336501]] hello' }], vars: {} },
    ];
    const plan = buildPlan({
      targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }],
      grid: {},
      rows: throttledRows,
      repeat: 1,
      seed: 5,
      api: 'chat',
      stream: false,
    });
    const finished: FinishedRequest[] = [];
    await runPlan({
      plan,
      provider,
      concurrency: 4,
      seed: 1,
      durationMs: 300,
      retry: { ...DEFAULT_RETRY_POLICY, retries: 3, baseDelayMs: 1, maxDelayMs: 2 },
      adapt: { windowMs: 60_000, headroom: 0.97 },
      onFinished: (f) => void finished.push(f),
    });
    const answered = finished.filter((f) => f.record.attempts > 0);
    expect(answered.length).toBeGreaterThan(0);
    for (const { record } of answered) expect(record.outcome).toBe('throttled');
    for (const { record } of finished.filter((f) => f.record.attempts === 0)) expect(['dropped', 'cancelled']).toContain(record.outcome);
  });
});
