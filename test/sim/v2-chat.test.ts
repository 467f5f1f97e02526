import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { countSimTokens, startSimulator, type RunningSimulator, type SimOptions } from '../../src/sim/index.js';
import { chatUrl, getToken, header, parseSse, post, readStream, type JsonAnswer } from './helpers.js';

const V2_PATH = '/v2/chat/completions';

/** `key` null sends no Authorization header. */
async function postV2(sim: RunningSimulator, body: unknown, key: string | null = sim.credentials.bearerToken): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await request(`${sim.url}${V2_PATH}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // SSE bodies are read through `text`.
  }
  return { status: response.statusCode, headers: response.headers, contentType: String(response.headers['content-type'] ?? ''), text, json };
}

interface V2Chunk {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; delta: { role?: string; content?: string }; finish_reason: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  error?: { code: string; message: string; type: string };
}

/** The `data:` payloads of a v2 stream, in order ([DONE] kept as the string). */
function v2Events(text: string): Array<V2Chunk | '[DONE]'> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => (line.slice(6) === '[DONE]' ? '[DONE]' : (JSON.parse(line.slice(6)) as V2Chunk)));
}

function chunks(text: string): V2Chunk[] {
  return v2Events(text).filter((event): event is V2Chunk => event !== '[DONE]');
}

const user = (content: string) => [{ role: 'user', content }];

describe('v2 chat: answers identical to v1', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.2, jitter: 0.1, seed: 42 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('sync: chat.completion body with the v1 text and usage, system as the first message', async () => {
    const system = 'You are terse.';
    const messages = [
      { role: 'user', content: 'What is a load test?' },
      { role: 'assistant', content: 'A test.' },
      { role: 'user', content: 'Explain more, please.' },
    ];
    const v1 = await post(chatUrl(sim, token), { system, messages, temperature: 0.5 });
    const v2 = await postV2(sim, { model: 'ernie-speed-8k', messages: [{ role: 'system', content: system }, ...messages], temperature: 0.5 });
    expect(v2.status).toBe(200);
    expect(v2.contentType).toContain('application/json');
    expect(v2.json).toMatchObject({ object: 'chat.completion', model: 'ernie-speed-8k' });
    expect(String(v2.json.id)).toMatch(/^as-[a-z0-9]{10}$/);
    const choices = v2.json.choices as Array<{ index: number; message: { role: string; content: string }; finish_reason: string }>;
    expect(choices).toHaveLength(1);
    expect(choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: v1.json.result }, finish_reason: 'stop' });
    expect(v2.json.usage).toEqual(v1.json.usage);
  });

  it('stream: role chunk with the first text, one chunk per v1 sentence, finish, usage, [DONE]', async () => {
    const body = { messages: user('Tell me about stream tests'), temperature: 0.7 };
    const v1 = parseSse((await post(chatUrl(sim, token), { ...body, stream: true })).text).events;
    const answer = await postV2(sim, { model: 'ERNIE-Speed-8K', ...body, stream: true, stream_options: { include_usage: true } });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/event-stream');
    const events = v2Events(answer.text);
    expect(events.at(-1)).toBe('[DONE]');
    const all = chunks(answer.text);
    expect(all.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(all[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const texts = all.slice(1).filter((chunk) => chunk.choices[0]?.delta.content);
    expect(texts.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(v1.map((event) => event.result));
    const finish = all.at(-2);
    expect(finish?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    const usageChunk = all.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual(v1.at(-1)?.usage);
    // The role chunk travels with the first text, never alone.
    expect(answer.text.indexOf('"role":"assistant"')).toBeLessThan(answer.text.indexOf(String(v1[0]?.result).slice(0, 10)));
    expect(all.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('stream without include_usage: no usage chunk, no usage field', async () => {
    const answer = await postV2(sim, { model: 'ernie-speed-8k', messages: user('no usage please'), stream: true });
    const all = chunks(answer.text);
    expect(all.some((chunk) => chunk.choices.length === 0)).toBe(false);
    expect(all.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(v2Events(answer.text).at(-1)).toBe('[DONE]');
  });

  it('max_tokens caps like max_output_tokens (finish_reason length), Chinese like v1', async () => {
    const v1 = await post(chatUrl(sim, token), { messages: user('请写长一点'), max_output_tokens: 5 });
    const v2 = await postV2(sim, { model: 'ernie-speed-8k', messages: user('请写长一点'), max_tokens: 5 });
    const choice = (v2.json.choices as Array<{ message: { content: string }; finish_reason: string }>)[0];
    expect(choice?.finish_reason).toBe('length');
    expect(choice?.message.content).toBe(v1.json.result);
    expect(countSimTokens(choice?.message.content ?? '')).toBe(5);
    const stop = await postV2(sim, { model: 'ernie-speed-8k', messages: user('请写长一点'), max_tokens: 5, stream: true });
    expect(chunks(stop.text).at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('counts v2 requests and usage in the shared stats', async () => {
    const before = { ...sim.stats };
    const answer = await postV2(sim, { model: 'ernie-speed-8k', messages: user('count me') });
    const usage = answer.json.usage as { prompt_tokens: number; completion_tokens: number };
    expect(sim.stats.chatRequests - before.chatRequests).toBe(1);
    expect(sim.stats.promptTokens - before.promptTokens).toBe(usage.prompt_tokens);
    expect(sim.stats.completionTokens - before.completionTokens).toBe(usage.completion_tokens);
  });
});

describe('v2 chat: the same timing as v1', () => {
  it('a v2 request draws the same latency as its v1 twin at the same arrival position', async () => {
    const options: SimOptions = { firstChunkMs: 150, msPerOutputToken: 2, jitter: 0.5, seed: 9, outputTokens: { min: 40, max: 40 } };
    const [a, b] = await Promise.all([startSimulator(options), startSimulator(options)]);
    try {
      const token = await getToken(a);
      const body = { messages: user('time me'), stream: true };
      const v1 = await readStream(chatUrl(a, token), body);
      const v2Response = await request(`${b.url}${V2_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.credentials.bearerToken}` },
        body: JSON.stringify({ model: 'ernie-speed-8k', ...body }),
      });
      await v2Response.body.text();
      const [v1Planned] = a.stats.plannedFirstChunkMs;
      const [v2Planned] = b.stats.plannedFirstChunkMs;
      expect(v1.status).toBe(200);
      // Jitter of ±50% on 150 ms: only the same draw gives the same planned delay. The delays as
      // written may be later on a busy machine, never earlier.
      expect(v1Planned).toBeGreaterThanOrEqual(75);
      expect(v2Planned).toBe(v1Planned);
      expect(a.stats.firstChunkDelaysMs[0]).toBeGreaterThanOrEqual((v1Planned ?? 0) - 1);
      expect(b.stats.firstChunkDelaysMs[0]).toBeGreaterThanOrEqual((v2Planned ?? 0) - 1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('v2 chat: auth and validation', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, bearerToken: 'my-bearer-key' });
  });
  afterAll(() => sim.close());

  const expectError = (answer: JsonAnswer, status: number, code: string, type = 'invalid_request_error'): void => {
    expect(answer.status).toBe(status);
    expect(answer.contentType).toContain('application/json');
    expect((answer.json.error as { code: string }).code).toBe(code);
    expect((answer.json.error as { type: string }).type).toBe(type);
    expect(String(answer.json.id)).toMatch(/^as-/);
  };

  it('401 invalid_iam_token without or with a wrong Bearer key', async () => {
    const body = { model: 'ernie-speed-8k', messages: user('hi') };
    const missing = await postV2(sim, body, null);
    expectError(missing, 401, 'invalid_iam_token');
    expect(missing.json.error).toEqual({ code: 'invalid_iam_token', message: 'IAM Certification failed', type: 'invalid_request_error' });
    expectError(await postV2(sim, body, 'sim-bearer-token'), 401, 'invalid_iam_token');
    expect(sim.credentials.bearerToken).toBe('my-bearer-key');
    expect((await postV2(sim, body)).status).toBe(200);
  });

  it('400 for JSON, model and message problems', async () => {
    expectError(await postV2(sim, '{not json'), 400, 'malformed_json');
    const empty = await postV2(sim, { messages: user('hi') });
    expectError(empty, 400, 'invalid_model');
    expect((empty.json.error as { message: string }).message).toBe('model is empty');
    const unknown = await postV2(sim, { model: 'ernie-nonexistent-1k', messages: user('hi') });
    expectError(unknown, 401, 'invalid_model');
    expect((unknown.json.error as { message: string }).message).toBe('The model does not exist or you do not have access to it.');
    expectError(await postV2(sim, { model: 'ernie-speed-8k', messages: [] }), 400, 'invalid_messages');
    expectError(await postV2(sim, { model: 'ernie-speed-8k', messages: [...user('a'), { role: 'assistant', content: 'b' }] }), 400, 'invalid_messages');
    expectError(
      await postV2(sim, { model: 'ernie-speed-8k', messages: [...user('a'), { role: 'system', content: 'late' }, ...user('c')] }),
      400,
      'invalid_messages',
    );
    expectError(await postV2(sim, { model: 'ernie-speed-8k', messages: [{ role: 'assistant', content: 'a' }] }), 400, 'invalid_messages');
  });

  it('400 invalid_argument naming the field, with the v1 ranges', async () => {
    const message = (answer: JsonAnswer): string => (answer.json.error as { message: string }).message;
    const base = { model: 'ernie-speed-8k', messages: user('hi') };
    const temperature = await postV2(sim, { ...base, temperature: 0 });
    expectError(temperature, 400, 'invalid_argument');
    expect(message(temperature)).toContain('temperature');
    const maxTokens = await postV2(sim, { ...base, max_tokens: 1 });
    expectError(maxTokens, 400, 'invalid_argument');
    expect(message(maxTokens)).toContain('max_tokens');
    expect(message(maxTokens)).not.toContain('max_output_tokens');
    expect(message(await postV2(sim, { ...base, penalty_score: 3 }))).toContain('penalty_score');
    expect(message(await postV2(sim, { ...base, stop: ['a', 'b', 'c', 'd', 'e'] }))).toContain('stop');
    expect(message(await postV2(sim, { ...base, seed: -1 }))).toContain('seed');
    expect((await postV2(sim, { ...base, stop: 'END', seed: 7, user: 'u1', top_p: 0.5 })).status).toBe(200);
  });

  it('400 characters_too_long past the model input limit', async () => {
    const answer = await postV2(sim, { model: 'ernie-speed-8k', messages: user('x'.repeat(30_000)) });
    expectError(answer, 400, 'characters_too_long');
  });

  it('405 for other methods', async () => {
    const response = await request(`${sim.url}${V2_PATH}`, { method: 'GET', headers: { authorization: 'Bearer my-bearer-key' } });
    expect(response.statusCode).toBe(405);
    expect(((await response.body.json()) as { error: { code: string } }).error.code).toBe('method_not_supported');
  });
});

describe('v2 chat: quota', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('429 rpm_rate_limit_exceeded with Retry-After and v2 headers; v1 keeps its own window', async () => {
    sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, rpm: 2, windowMs: 5_000 });
    const body = { model: 'ernie-speed-8k', messages: user('q') };
    const first = await postV2(sim, body);
    expect(header(first, 'X-Ratelimit-Limit-Requests')).toBe('2');
    expect(header(first, 'X-Ratelimit-Remaining-Requests')).toBe('1');
    await postV2(sim, body);
    const throttled = await postV2(sim, { ...body, stream: true });
    expect(throttled.status).toBe(429);
    expect(throttled.contentType).toContain('application/json');
    expect(throttled.json.error).toEqual({ code: 'rpm_rate_limit_exceeded', message: 'Rate limit reached for RPM', type: 'rate_limit_exceeded' });
    const retryAfter = Number(header(throttled, 'Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(4);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(header(throttled, 'X-Ratelimit-Remaining-Requests')).toBe('0');
    expect(sim.stats.throttled).toBe(1);
    // Another model and the v1 API have windows of their own.
    expect((await postV2(sim, { ...body, model: 'ernie-4.0-8k' })).status).toBe(200);
    const v1 = await post(chatUrl(sim, await getToken(sim)), { messages: user('q') });
    expect(v1.json.result).toBeTypeOf('string');
  });

  it('splits tpm into input and output halves and charges each', async () => {
    sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, tpm: 200, outputTokens: { min: 60, max: 60 }, windowMs: 60_000 });
    const body = { model: 'ernie-speed-8k', messages: user('one two three') };
    const prompt = countSimTokens('one two three');
    const first = await postV2(sim, body);
    expect(header(first, 'X-Ratelimit-Limit-Input-Tokens')).toBe('100');
    expect(header(first, 'X-Ratelimit-Limit-Output-Tokens')).toBe('100');
    expect(header(first, 'X-Ratelimit-Remaining-Input-Tokens')).toBe(String(100 - prompt));
    // Completion tokens are charged once the answer is complete, after these headers were written.
    expect(header(first, 'X-Ratelimit-Remaining-Output-Tokens')).toBe('100');
    const second = await postV2(sim, body);
    expect(second.status).toBe(200);
    expect(header(second, 'X-Ratelimit-Remaining-Output-Tokens')).toBe('40');
    expect(header(second, 'X-Ratelimit-Remaining-Input-Tokens')).toBe(String(100 - 2 * prompt));
    // 120 completion tokens are now charged against an output half of 100: the input half is not spent, the output one is.
    const third = await postV2(sim, body);
    expect(third.status).toBe(429);
    expect((third.json.error as { code: string }).code).toBe('tpm_rate_limit_exceeded');
    expect(header(third, 'X-Ratelimit-Remaining-Output-Tokens')).toBe('0');
    expect(header(third, 'X-Ratelimit-Remaining-Input-Tokens')).toBe(String(100 - 2 * prompt));
    expect(Number(header(third, 'Retry-After'))).toBeGreaterThanOrEqual(59);
    expect(Number(header(third, 'Retry-After'))).toBeLessThanOrEqual(60);
  });
});

describe('v2 chat: faults and directives in v2 framing', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0, outputTokens: { min: 60, max: 60 } });
  });
  afterAll(() => sim.close());

  const ask = (content: string, stream = true) => postV2(sim, { model: 'ernie-speed-8k', messages: user(content), stream });

  it('http500 -> 500 internal_error; busy and jsonInsteadOfStream -> HTTP 500 high load', async () => {
    const http500 = await ask('x [[sim:fault=http500]]');
    expect(http500.status).toBe(500);
    expect((http500.json.error as { code: string }).code).toBe('internal_error');
    for (const fault of ['busy', 'jsonInsteadOfStream']) {
      const busy = await ask(`x [[sim:fault=${fault}]]`);
      expect(busy.status).toBe(500);
      expect(busy.contentType).toContain('application/json');
      expect(busy.json.error).toMatchObject({ code: 'internal_error', message: 'high load' });
    }
  });

  it('[[sim:error=336501]] -> 429 rpm with Retry-After; 336006 -> 400 invalid_messages', async () => {
    const rpm = await ask('x [[sim:error=336501]]');
    expect(rpm.status).toBe(429);
    expect((rpm.json.error as { code: string }).code).toBe('rpm_rate_limit_exceeded');
    expect(Number(header(rpm, 'Retry-After'))).toBeGreaterThanOrEqual(1);
    const tpm = await ask('x [[sim:error=336502]]', false);
    expect((tpm.json.error as { code: string }).code).toBe('tpm_rate_limit_exceeded');
    const invalid = await ask('x [[sim:error=336006]]');
    expect(invalid.status).toBe(400);
    expect((invalid.json.error as { code: string }).code).toBe('invalid_messages');
  });

  it('midStreamError: a data error event after the first sentence, then the end without [DONE]', async () => {
    const answer = await ask('x [[sim:fault=midStreamError]]');
    expect(answer.status).toBe(200);
    const events = v2Events(answer.text);
    expect(events).not.toContain('[DONE]');
    const last = events.at(-1) as V2Chunk;
    expect(last.error).toMatchObject({ code: 'invalid_argument', type: 'invalid_request_error' });
    expect(chunks(answer.text).filter((chunk) => chunk.choices?.[0]?.delta.content)).toHaveLength(1);
    const sync = await ask('x [[sim:fault=midStreamError]]', false);
    expect(sync.status).toBe(400);
    expect((sync.json.error as { code: string }).code).toBe('invalid_argument');
  });

  it('cutMidStream breaks the connection after the first sentence', async () => {
    const read = await readStreamV2(sim, { model: 'ernie-speed-8k', messages: user('x [[sim:fault=cutMidStream]]'), stream: true });
    expect(read.error).toBeDefined();
    expect(chunks(read.text).filter((chunk) => chunk.choices[0]?.delta.content)).toHaveLength(1);
  });

  it('garbageSse inserts an unparseable data line and goes on to [DONE]', async () => {
    const answer = await ask('x [[sim:fault=garbageSse]]');
    expect(answer.text).toContain('data: {not json');
    expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('resetBeforeHeaders destroys the connection', async () => {
    await expect(ask('x [[sim:fault=resetBeforeHeaders]]')).rejects.toThrow();
  });
});

async function readStreamV2(sim: RunningSimulator, body: unknown): Promise<{ text: string; error?: unknown }> {
  const response = await request(`${sim.url}${V2_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.credentials.bearerToken}` },
    body: JSON.stringify(body),
  });
  let text = '';
  try {
    for await (const chunk of response.body) text += (chunk as Buffer).toString('utf8');
  } catch (error) {
    return { text, error };
  }
  return { text };
}
