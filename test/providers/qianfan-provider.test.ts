import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { clearTokenCache } from '../../src/providers/qianfan/oauth.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let agent: Agent;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.2, jitter: 0, prefillMsPerToken: 0 });
  agent = createAgent({ connections: 16, timeouts: DEFAULT_TIMEOUTS });
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});
beforeEach(() => clearTokenCache());

function provider(overrides: { ak?: string; sk?: string; refresh?: boolean; timeouts?: typeof DEFAULT_TIMEOUTS } = {}) {
  return createQianfanProvider({
    baseUrl: sim.url,
    auth: { kind: 'oauth', credentials: { ak: overrides.ak ?? sim.credentials.ak, sk: overrides.sk ?? sim.credentials.sk } },
    dispatcher: agent,
    timeouts: overrides.timeouts ?? DEFAULT_TIMEOUTS,
    refreshOnExpiredToken: overrides.refresh ?? true,
  });
}

function chat(content: string, stream = true): ProviderRequest {
  return { api: 'chat', model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed', messages: [{ role: 'user', content }], params: {}, stream };
}

describe('Qianfan v1 provider against the simulator', () => {
  it('streams: text events, usage from is_end, rate-limit headers', async () => {
    const signals: unknown[] = [];
    const result = await provider().send(chat('Say hello to the load tester'), { onRateLimit: (s) => signals.push(s) });
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.textEventTimes.length).toBeGreaterThan(0);
    expect(result.usage?.promptTokens).toBe(countSimTokens('Say hello to the load tester'));
    expect(result.usage?.completionTokens).toBe(countSimTokens(result.output));
    expect(result.textEventTimes[0]!).toBeGreaterThanOrEqual(result.dispatchedAt);
    expect(result.doneAt).toBeGreaterThanOrEqual(result.textEventTimes.at(-1)!);
    expect(signals).toHaveLength(1);
  });

  it('sync answers give the same text as the stream', async () => {
    const streamed = await provider().send(chat('同一个问题'));
    const sync = await provider().send(chat('同一个问题', false));
    expect(sync.ok).toBe(true);
    expect(sync.output).toBe(streamed.output);
    expect(sync.usage).toEqual(streamed.usage);
  });

  it('classifies an error answered with HTTP 200 and a code', async () => {
    const result = await provider().send(chat('[[sim:error=336501]] hi'));
    expect(result).toMatchObject({ ok: false, httpStatus: 200, error: { class: 'throttled', code: 336501 } });
  });

  it('classifies a JSON body answered to a stream request', async () => {
    const result = await provider().send(chat('[[sim:fault=jsonInsteadOfStream]] hi'));
    expect(result).toMatchObject({ ok: false, error: { class: 'retryable', code: 336100 } });
  });

  it('classifies a bare JSON error line mid-stream, keeping the text before it', async () => {
    const result = await provider().send(chat('[[sim:fault=midStreamError]] hi'));
    expect(result).toMatchObject({ ok: false, error: { class: 'invalid', code: 336003 } });
    expect(result.output.length).toBeGreaterThan(0);
  });

  it('classifies garbage SSE, a cut stream, a reset and HTTP 500', async () => {
    expect((await provider().send(chat('[[sim:fault=garbageSse]] x'))).error).toMatchObject({ code: 'malformed_sse' });
    expect((await provider().send(chat('[[sim:fault=cutMidStream]] x'))).error?.class).toBe('network');
    expect((await provider().send(chat('[[sim:fault=resetBeforeHeaders]] x'))).error?.class).toBe('network');
    expect((await provider().send(chat('[[sim:fault=http500]] x'))).error).toMatchObject({ class: 'retryable', httpStatus: 500 });
  });

  it('times out on a stalled stream with the phase in the message', async () => {
    const short = { ...DEFAULT_TIMEOUTS, idleMs: 100 };
    const shortAgent = createAgent({ connections: 2, timeouts: short });
    try {
      const p = createQianfanProvider({
        baseUrl: sim.url,
        auth: { kind: 'oauth', credentials: sim.credentials },
        dispatcher: shortAgent,
        timeouts: short,
        refreshOnExpiredToken: true,
      });
      const result = await p.send(chat('[[sim:fault=stall]] x'));
      expect(result.error).toMatchObject({ class: 'timeout' });
      expect(result.error?.message).toContain('idle');
    } finally {
      await shortAgent.destroy();
    }
  });

  it('fetches one token for many concurrent requests and refreshes once on 111', async () => {
    const p = provider();
    const before = sim.stats.tokenRequests;
    const results = await Promise.all(Array.from({ length: 20 }, () => p.send(chat('ping', false))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sim.stats.tokenRequests - before).toBe(1);
    sim.expireTokens();
    const after = await Promise.all(Array.from({ length: 20 }, () => p.send(chat('ping', false))));
    expect(after.every((r) => r.ok)).toBe(true);
    // Each re-send after the refresh counts as another attempt, timed from the first write.
    expect(after.every((r) => r.resends === 1)).toBe(true);
    expect(sim.stats.tokenRequests - before).toBe(2);
  });

  it('does not re-send after 111 when refresh is off (--retries 0)', async () => {
    const p = provider({ refresh: false });
    expect((await p.send(chat('ping', false))).ok).toBe(true);
    sim.expireTokens();
    expect((await p.send(chat('ping', false))).error).toMatchObject({ class: 'auth', code: 111 });
  });

  it('turns a token error into one clear line without the secret', async () => {
    const secret = 'very-secret-sk-value';
    await expect(provider({ sk: secret }).preflight()).rejects.toThrow(/invalid_client \(Client authentication failed\)/);
    await expect(provider({ sk: secret }).preflight()).rejects.not.toThrow(new RegExp(secret));
    await expect(provider({ ak: 'nobody-at-all', sk: secret }).preflight()).rejects.toThrow(/unknown client id/);
  });
});
