import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { countSimTokens, EMBEDDING_DIMENSIONS, embeddingVector, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { getToken, header, post, type JsonAnswer } from './helpers.js';

const V1_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings';

function v1Url(sim: RunningSimulator, token: string, suffix = 'embedding-v1'): string {
  return `${sim.url}${V1_PATH}/${suffix}?access_token=${encodeURIComponent(token)}`;
}

async function postV2(sim: RunningSimulator, body: unknown, key: string | null = sim.credentials.bearerToken): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await request(`${sim.url}/v2/embeddings`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // kept in `text`
  }
  return { status: response.statusCode, headers: response.headers, contentType: String(response.headers['content-type'] ?? ''), text, json };
}

interface EmbeddingItem {
  object: string;
  embedding: number[];
  index: number;
}

const norm = (vector: number[]): number => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
const dot = (a: number[], b: number[]): number => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('embedding vectors', () => {
  it('are 384-dimensional, unit length, deterministic per text and seed', () => {
    const a = embeddingVector('hello world', 1);
    expect(a).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(EMBEDDING_DIMENSIONS).toBe(384);
    expect(norm(a)).toBeCloseTo(1, 12);
    expect(embeddingVector('hello world', 1)).toEqual(a);
    expect(embeddingVector('hello world', 2)).not.toEqual(a);
    const b = embeddingVector('goodbye', 1);
    expect(norm(b)).toBeCloseTo(1, 12);
    // Independent random directions in 384 dimensions are nearly orthogonal.
    expect(Math.abs(dot(a, b))).toBeLessThan(0.3);
    expect(norm(embeddingVector('', 1))).toBeCloseTo(1, 12);
  });
});

describe('v1 embeddings', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 5, prefillMsPerToken: 0.1, jitter: 0, seed: 3 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('answers an embedding_list with one unit vector per input and usage from the tokenizer', async () => {
    const input = ['What is a load test?', '压力测试是什么？', 'What is a load test?'];
    const before = sim.stats.embeddingRequests;
    const sentAtS = Math.floor(Date.now() / 1000);
    const answer = await post(v1Url(sim, token), { input, user_id: 'u1' });
    const answeredAtS = Math.ceil(Date.now() / 1000);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ object: 'embedding_list' });
    expect(String(answer.json.id)).toMatch(/^as-[a-z0-9]{10}$/);
    // Stamped while the request was in flight, however long that took.
    expect(Number(answer.json.created)).toBeGreaterThanOrEqual(sentAtS);
    expect(Number(answer.json.created)).toBeLessThanOrEqual(answeredAtS);
    const data = answer.json.data as EmbeddingItem[];
    expect(data.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const item of data) {
      expect(item.object).toBe('embedding');
      expect(item.embedding).toHaveLength(384);
      expect(norm(item.embedding)).toBeCloseTo(1, 9);
    }
    expect(data[2]?.embedding).toEqual(data[0]?.embedding);
    expect(data[1]?.embedding).not.toEqual(data[0]?.embedding);
    expect(data[0]?.embedding).toEqual(embeddingVector(input[0] ?? '', 3));
    const tokens = input.reduce((sum, text) => sum + countSimTokens(text), 0);
    expect(answer.json.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(sim.stats.embeddingRequests - before).toBe(1);
  });

  it('accepts any suffix and gives the same vector for the same text', async () => {
    const bge = await post(v1Url(sim, token, 'bge_large_zh'), { input: ['同一句话'] });
    const tao = await post(v1Url(sim, token, 'tao_8k'), { input: ['同一句话'] });
    expect((bge.json.data as EmbeddingItem[])[0]?.embedding).toEqual((tao.json.data as EmbeddingItem[])[0]?.embedding);
  });

  it('takes firstChunkMs * 0.2 + prefillMsPerToken * tokens', async () => {
    const slow = await startSimulator({ firstChunkMs: 200, prefillMsPerToken: 1, jitter: 0 });
    try {
      const slowToken = await getToken(slow);
      const input = ['word '.repeat(50)]; // 50 tokens
      const started = performance.now();
      await post(v1Url(slow, slowToken), { input });
      const elapsed = performance.now() - started;
      // A lower bound only: how much later than the delay the answer comes depends on the machine.
      expect(elapsed).toBeGreaterThanOrEqual(89);
    } finally {
      await slow.close();
    }
  });

  it('answers v1 errors with HTTP 200: token, JSON, input shape', async () => {
    const code = async (url: string, body: unknown): Promise<unknown> => (await post(url, body)).json.error_code;
    expect(await code(v1Url(sim, 'bad-token'), { input: ['x'] })).toBe(110);
    expect(await code(v1Url(sim, token), '{not json')).toBe(336002);
    expect(await code(v1Url(sim, token), { input: [] })).toBe(336003);
    expect(await code(v1Url(sim, token), { input: 'not an array' })).toBe(336003);
    expect(await code(v1Url(sim, token), { input: ['ok', ''] })).toBe(336003);
    expect(await code(v1Url(sim, token), { input: ['ok', 3] })).toBe(336003);
    expect(await code(v1Url(sim, token), { input: Array.from({ length: 17 }, (_, i) => `t${i}`) })).toBe(336003);
    expect((await post(v1Url(sim, token), { input: Array.from({ length: 16 }, (_, i) => `t${i}`) })).status).toBe(200);
    const message = (await post(v1Url(sim, token), { input: ['ok', ''] })).json.error_msg;
    expect(message).toContain('input[1]');
  });
});

describe('embedding quotas', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('v1: per-endpoint rpm answers 336501 with HTTP 200 and v1 headers', async () => {
    sim = await startSimulator({ firstChunkMs: 1, jitter: 0, rpm: 1, windowMs: 60_000 });
    const token = await getToken(sim);
    const first = await post(v1Url(sim, token), { input: ['a'] });
    expect(header(first, 'X-Ratelimit-Remaining-Requests')).toBe('0');
    const second = await post(v1Url(sim, token), { input: ['a'] });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ error_code: 336501, error_msg: 'Rate limit reached for RPM' });
    expect((await post(v1Url(sim, token, 'bge_large_en'), { input: ['a'] })).json.data).toBeDefined();
    expect(sim.stats.throttled).toBe(1);
  });

  it('v1: tpm counts the prompt tokens of every input', async () => {
    sim = await startSimulator({ firstChunkMs: 1, jitter: 0, tpm: 10, windowMs: 60_000 });
    const token = await getToken(sim);
    const first = await post(v1Url(sim, token), { input: ['one two three four', 'five six'] });
    const used = countSimTokens('one two three four') + countSimTokens('five six');
    expect(header(first, 'X-Ratelimit-Remaining-Tokens')).toBe(String(10 - used));
    const second = await post(v1Url(sim, token), { input: ['a b c d e'] });
    expect(second.json.error_code).toBe(336502);
  });

  it('v2: 429 with Retry-After and split token headers', async () => {
    sim = await startSimulator({ firstChunkMs: 1, jitter: 0, rpm: 1, tpm: 100, windowMs: 3_000 });
    const first = await postV2(sim, { model: 'embedding-v1', input: 'hello' });
    expect(first.status).toBe(200);
    expect(header(first, 'X-Ratelimit-Limit-Input-Tokens')).toBe('50');
    expect(header(first, 'X-Ratelimit-Remaining-Input-Tokens')).toBe('48');
    expect(header(first, 'X-Ratelimit-Remaining-Output-Tokens')).toBe('50');
    const second = await postV2(sim, { model: 'embedding-v1', input: 'hello' });
    expect(second.status).toBe(429);
    expect(second.json.error).toEqual({ code: 'rpm_rate_limit_exceeded', message: 'Rate limit reached for RPM', type: 'rate_limit_exceeded' });
    expect(Number(header(second, 'Retry-After'))).toBe(3);
  });
});

describe('v2 embeddings', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 1, jitter: 0, seed: 3 });
  });
  afterAll(() => sim.close());

  it('answers an OpenAI-shaped list for a string or an array, same vectors as v1', async () => {
    const single = await postV2(sim, { model: 'embedding-v1', input: 'hello world' });
    expect(single.status).toBe(200);
    const tokens = countSimTokens('hello world');
    expect(single.json).toMatchObject({ object: 'list', model: 'embedding-v1', usage: { prompt_tokens: tokens, total_tokens: tokens } });
    const data = single.json.data as EmbeddingItem[];
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(data[0]?.embedding).toEqual(embeddingVector('hello world', 3));
    const batch = await postV2(sim, { model: 'embedding-v1', input: ['a', 'hello world'] });
    expect((batch.json.data as EmbeddingItem[])[1]?.embedding).toEqual(data[0]?.embedding);
    const token = await getToken(sim);
    const v1 = await post(v1Url(sim, token), { input: ['hello world'] });
    expect((v1.json.data as EmbeddingItem[])[0]?.embedding).toEqual(data[0]?.embedding);
    expect(sim.stats.embeddingTokens).toBe(3 * tokens + countSimTokens('a'));
  });

  it('answers v2 errors with real statuses', async () => {
    const code = (answer: JsonAnswer): string => (answer.json.error as { code: string }).code;
    const noKey = await postV2(sim, { model: 'embedding-v1', input: 'x' }, null);
    expect(noKey.status).toBe(401);
    expect(code(noKey)).toBe('invalid_iam_token');
    const bad = await postV2(sim, '{oops');
    expect([bad.status, code(bad)]).toEqual([400, 'malformed_json']);
    const noModel = await postV2(sim, { input: 'x' });
    expect([noModel.status, code(noModel)]).toEqual([400, 'invalid_model']);
    const empty = await postV2(sim, { model: 'embedding-v1', input: [] });
    expect([empty.status, code(empty)]).toEqual([400, 'invalid_argument']);
    const tooMany = await postV2(sim, { model: 'embedding-v1', input: Array.from({ length: 17 }, () => 'x') });
    expect([tooMany.status, code(tooMany)]).toEqual([400, 'invalid_argument']);
  });
});
