import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import { chatCompletionsUrl, openAIBody } from '../../src/providers/openai/wire.js';
import { clearTokenCache } from '../../src/providers/qianfan/oauth.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import type { ProviderRequest, RateLimitSignal } from '../../src/providers/types.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { redact } from '../../src/util/redact.js';

let sim: RunningSimulator;
let agent: Dispatcher;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.2, jitter: 0, prefillMsPerToken: 0, rpm: 1000, tpm: 1_000_000 });
  agent = createAgent({ connections: 16, timeouts: DEFAULT_TIMEOUTS });
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});
beforeEach(() => clearTokenCache());

function v2(overrides: { apiKey?: string; baseUrl?: string; timeouts?: typeof DEFAULT_TIMEOUTS; dispatcher?: Dispatcher } = {}) {
  return createOpenAIProvider({
    baseUrl: overrides.baseUrl ?? `${sim.url}/v2`,
    apiKey: overrides.apiKey ?? sim.credentials.bearerToken,
    dispatcher: overrides.dispatcher ?? agent,
    timeouts: overrides.timeouts ?? DEFAULT_TIMEOUTS,
  });
}

function v1() {
  return createQianfanProvider({
    baseUrl: sim.url,
    auth: { kind: 'oauth', credentials: { ak: sim.credentials.ak, sk: sim.credentials.sk } },
    dispatcher: agent,
    timeouts: DEFAULT_TIMEOUTS,
    refreshOnExpiredToken: true,
  });
}

function chat(content: string, stream = true, extra: Partial<ProviderRequest> = {}): ProviderRequest {
  return { api: 'chat', model: 'ernie-speed-8k', endpoint: 'ernie_speed', messages: [{ role: 'user', content }], params: {}, stream, ...extra };
}

describe('request mapping', () => {
  it('joins the base URL with /chat/completions', () => {
    expect(chatCompletionsUrl('https://qianfan.baidubce.com/v2')).toBe('https://qianfan.baidubce.com/v2/chat/completions');
    expect(chatCompletionsUrl('http://host:8000/v1/')).toBe('http://host:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://host:8000/v1/chat/completions')).toBe('http://host:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://host/openai?api-version=1')).toBe('http://host/openai/chat/completions?api-version=1');
  });

  it('maps v1 parameter names, system and stream options', () => {
    const body = JSON.parse(
      openAIBody(
        chat('hi', true, {
          system: 'be brief',
          params: { max_output_tokens: 100, min_output_tokens: 10, user_id: 'u', temperature: 0.3, stop: ['END'], seed: 7, response_format: 'json_object' },
        }),
      ),
    ) as Record<string, unknown>;
    expect(body).toEqual({
      model: 'ernie-speed-8k',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 100,
      user: 'u',
      temperature: 0.3,
      stop: ['END'],
      seed: 7,
      response_format: { type: 'json_object' },
      stream: true,
      stream_options: { include_usage: true },
    });
    const sync = JSON.parse(openAIBody(chat('hi', false, { params: { max_tokens: 5, max_output_tokens: 9 } }))) as Record<string, unknown>;
    expect(sync).toMatchObject({ max_tokens: 5, stream: false });
    expect(sync).not.toHaveProperty('stream_options');
  });
});

describe('OpenAI-compatible provider against the simulator (v2)', () => {
  it('streams: text events only for non-empty content, usage from the last chunk, [DONE] ends it', async () => {
    const signals: RateLimitSignal[] = [];
    const result = await v2().send(chat('Say hello to the load tester'), { onRateLimit: (s) => signals.push(s) });
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.httpStatus).toBe(200);
    expect(result.finishReason).toBe('stop');
    expect(result.usage?.promptTokens).toBe(countSimTokens('Say hello to the load tester'));
    expect(result.usage?.completionTokens).toBe(countSimTokens(result.output));
    expect(result.textEventTimes[0]!).toBeGreaterThanOrEqual(result.dispatchedAt);
    expect(result.doneAt).toBeGreaterThanOrEqual(result.textEventTimes.at(-1)!);
    expect(signals).toHaveLength(1);
  });

  it('gives the same text, usage and sentence count as the v1 provider for the same request', async () => {
    const request = chat('同一个问题', true, { system: '你是助手', params: { temperature: 0.5, max_output_tokens: 50 } });
    const viaV1 = await v1().send(request);
    const viaV2 = await v2().send(request);
    expect(viaV1.ok && viaV2.ok).toBe(true);
    expect(viaV2.output).toBe(viaV1.output);
    expect(viaV2.usage).toEqual(viaV1.usage);
    // One text event per sentence: the role-only first chunk is not one.
    expect(viaV2.textEventTimes).toHaveLength(viaV1.textEventTimes.length);
    const sync = await v2().send({ ...request, stream: false });
    expect(sync.ok).toBe(true);
    expect(sync.output).toBe(viaV1.output);
    expect(sync.usage).toEqual(viaV1.usage);
    expect(sync.textEventTimes).toHaveLength(1);
  });

  it('sync answers carry finish_reason length when max_tokens cuts', async () => {
    const result = await v2().send(chat('long please', false, { params: { max_output_tokens: 5 } }));
    expect(result).toMatchObject({ ok: true, finishReason: 'length', usage: { completionTokens: 5 } });
  });

  it('reports the v2 split rate-limit headers to onRateLimit', async () => {
    const signals: RateLimitSignal[] = [];
    await v2().send(chat('limits please', false), { onRateLimit: (s) => signals.push(s) });
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ limitRequests: 1000, limitInputTokens: 500_000, limitOutputTokens: 500_000 });
    expect(signals[0]?.remainingInputTokens).toBeLessThan(500_000);
    expect(signals[0]?.remainingOutputTokens).toBeLessThanOrEqual(500_000);
  });

  it('401 -> auth, and the key never appears in the error', async () => {
    const secret = 'wrong-bearer-key-123456';
    const result = await v2({ apiKey: secret }).send(chat('hi'));
    expect(result).toMatchObject({ ok: false, httpStatus: 401, error: { class: 'auth', code: 'invalid_iam_token', httpStatus: 401 } });
    expect(JSON.stringify(result.error)).not.toContain(secret);
    expect(redact(`bad ${secret}`)).toBe('bad ***');
  });

  it('401 invalid_model and 400 invalid_argument -> invalid', async () => {
    expect((await v2().send(chat('hi', true, { model: 'no-such-model' }))).error).toMatchObject({ class: 'invalid', code: 'invalid_model', httpStatus: 401 });
    expect((await v2().send(chat('hi', false, { params: { temperature: 0 } }))).error).toMatchObject({ class: 'invalid', code: 'invalid_argument' });
  });

  it('classifies http500, busy, jsonInsteadOfStream, midStreamError, cutMidStream, garbageSse and a reset', async () => {
    const send = (fault: string, stream = true) => v2().send(chat(`[[sim:fault=${fault}]] x`, stream));
    expect((await send('http500')).error).toMatchObject({ class: 'retryable', code: 'internal_error', httpStatus: 500 });
    expect((await send('busy')).error).toMatchObject({ class: 'retryable', code: 'internal_error', httpStatus: 500, message: 'high load' });
    expect((await send('busy', false)).error).toMatchObject({ class: 'retryable', code: 'internal_error' });
    expect((await send('jsonInsteadOfStream')).error).toMatchObject({ class: 'retryable', code: 'internal_error' });
    const mid = await send('midStreamError');
    expect(mid).toMatchObject({ ok: false, error: { class: 'invalid', code: 'invalid_argument' } });
    expect(mid.output.length).toBeGreaterThan(0);
    expect(mid.textEventTimes).toHaveLength(1);
    expect((await send('cutMidStream')).error?.class).toBe('network');
    expect((await send('garbageSse')).error).toMatchObject({ class: 'retryable', code: 'malformed_sse' });
    expect((await send('resetBeforeHeaders')).error?.class).toBe('network');
  });

  it('times out on a stalled stream', async () => {
    const short = { ...DEFAULT_TIMEOUTS, idleMs: 100 };
    const shortAgent = createAgent({ connections: 2, timeouts: short });
    try {
      const result = await v2({ dispatcher: shortAgent, timeouts: short }).send(chat('[[sim:fault=stall]] x'));
      expect(result.error).toMatchObject({ class: 'timeout' });
    } finally {
      await shortAgent.destroy();
    }
  });

  it('preflight checks the key locally', async () => {
    await expect(v2().preflight()).resolves.toBeUndefined();
    await expect(v2({ apiKey: ' ' }).preflight()).rejects.toThrow(/key is empty/);
  });
});

describe('429 from the v2 quota', () => {
  let limited: RunningSimulator;
  beforeAll(async () => {
    limited = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, rpm: 1, windowMs: 4_000 });
  });
  afterAll(() => limited.close());

  it('-> throttled with retryAfterMs from Retry-After', async () => {
    const provider = v2({ baseUrl: `${limited.url}/v2/`, apiKey: limited.credentials.bearerToken });
    expect((await provider.send(chat('first'))).ok).toBe(true);
    const signals: RateLimitSignal[] = [];
    const throttled = await provider.send(chat('second'), { onRateLimit: (s) => signals.push(s) });
    expect(throttled).toMatchObject({ ok: false, httpStatus: 429, error: { class: 'throttled', code: 'rpm_rate_limit_exceeded', httpStatus: 429 } });
    expect(throttled.error?.retryAfterMs).toBe(4000);
    expect(signals[0]).toMatchObject({ remainingRequests: 0, retryAfterMs: 4000 });
  });

  it('[[sim:error=336502]] -> throttled tpm', async () => {
    const provider = v2({ baseUrl: `${limited.url}/v2`, apiKey: limited.credentials.bearerToken });
    const result = await provider.send(chat('[[sim:error=336502]] x', false));
    expect(result.error).toMatchObject({ class: 'throttled', code: 'tpm_rate_limit_exceeded' });
    expect(result.error?.retryAfterMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('stream framing tolerance (a hand-written OpenAI-style server)', () => {
  let server: Server;
  let base: string;
  let script: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (script[0]?.startsWith('HTTP')) {
          const [status, retry, body] = (script[0] ?? '').slice(5).split('|');
          res.writeHead(Number(status), { 'content-type': 'application/json', 'retry-after-ms': retry ?? '0' });
          res.end(body);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const part of script) res.write(part);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const chunk = (delta: Record<string, string>, finish: string | null = null, usage?: unknown) =>
    'data: ' +
    JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) }) +
    '\n\n';

  it('skips comments, event lines and empty deltas; ends on the body when there is no [DONE]', async () => {
    script = [
      ': keep-alive\n\n',
      'event: message\n' + chunk({ role: 'assistant' }),
      chunk({ content: '' }),
      chunk({ content: 'Hello' }),
      ': keep-alive\n\n',
      chunk({ content: ' world' }),
      chunk({}, 'stop', { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
    ];
    const result = await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'));
    expect(result).toMatchObject({ ok: true, output: 'Hello world', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } });
    expect(result.textEventTimes).toHaveLength(2);
  });

  it('a stream that ends with neither finish_reason nor [DONE] is incomplete', async () => {
    script = [chunk({ content: 'Hel' })];
    const result = await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'));
    expect(result.error).toMatchObject({ class: 'network', code: 'incomplete_stream' });
  });

  it('ignores anything after [DONE]', async () => {
    script = [chunk({ content: 'A' }), chunk({}, 'stop'), 'data: [DONE]\n\n', chunk({ content: 'B' })];
    const result = await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'));
    expect(result).toMatchObject({ ok: true, output: 'A' });
  });

  it('reads retry-after-ms and classifies insufficient_quota as fatal, 503 as retryable', async () => {
    script = ['HTTP 429|1500|{"error":{"code":"insufficient_quota","message":"out of credit","type":"insufficient_quota"}}'];
    const quota = await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'));
    expect(quota.error).toMatchObject({ class: 'fatal', code: 'insufficient_quota', retryAfterMs: 1500 });
    script = ['HTTP 503|250|not json at all'];
    const unavailable = await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'));
    expect(unavailable.error).toMatchObject({ class: 'retryable', code: 503, httpStatus: 503, retryAfterMs: 250 });
    script = ['HTTP 404|0|{"error":{"message":"no route"}}'];
    expect((await v2({ baseUrl: base, apiKey: 'local-key-abcdef' }).send(chat('hi'))).error).toMatchObject({ class: 'invalid', code: 404 });
  });
});
