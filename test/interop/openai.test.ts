/**
 * The `openai` npm package (a client nobody here wrote) against the simulator's v2 API: chat sync
 * and stream with usage, embeddings with the package's default encoding (it asks for base64 and
 * decodes it), and its error classes on 400, 401 and 429. Every request goes through a fetch that
 * refuses anything but loopback and records what the package sent.
 */
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/qianfan/spec/bce-auth-v1.js';
import { embeddingVector, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { EMBEDDING_MODEL_DIMENSIONS } from '../../src/sim/embeddings.js';
import { IAM_BEARER_TOKEN_PATH } from '../../src/sim/v2-bearer.js';

const TEST_TIMEOUT_MS = 15_000;
const SEED = 11;

interface SentRequest {
  url: string;
  body: Record<string, unknown> | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A fetch for the package that only reaches loopback and keeps each request's URL and JSON body. */
function loopbackFetch(sent: SentRequest[]): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const { hostname } = new URL(url);
    if (!LOOPBACK.has(hostname)) throw new Error(`interop test: blocked a request to ${hostname}`);
    let body: Record<string, unknown> | undefined;
    if (typeof init?.body === 'string') body = JSON.parse(init.body) as Record<string, unknown>;
    sent.push({ url, body });
    return fetch(input, init);
  };
}

let sim: RunningSimulator;
const sent: SentRequest[] = [];

function client(options: { apiKey?: string; simulator?: RunningSimulator } = {}): OpenAI {
  const target = options.simulator ?? sim;
  return new OpenAI({
    apiKey: options.apiKey ?? target.credentials.bearerToken,
    baseURL: `${target.url}/v2`,
    maxRetries: 0,
    timeout: 10_000,
    fetch: loopbackFetch(sent),
  });
}

beforeAll(async () => {
  sim = await startSimulator({ host: '127.0.0.1', port: 0, seed: SEED, firstChunkMs: 5, msPerOutputToken: 1, jitter: 0, outputTokens: { min: 20, max: 40 } });
});
afterAll(() => sim.close());

/** The error `promise` rejects with (the test fails if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('openai package -> simulator v2: chat', () => {
  it('sync: a chat.completion with text, a finish reason and usage', { timeout: TEST_TIMEOUT_MS }, async () => {
    const completion = await client().chat.completions.create({ model: 'ernie-speed-8k', messages: [{ role: 'user', content: 'hello there' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^as-/);
    const [choice] = completion.choices;
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice?.finish_reason);
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('stream with include_usage: text deltas, then the usage in the last chunk only', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stream = await client().chat.completions.create({
      model: 'ernie-speed-8k',
      messages: [{ role: 'user', content: 'tell me a story' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last?.usage?.total_tokens).toBe((last?.usage?.prompt_tokens ?? 0) + (last?.usage?.completion_tokens ?? 0));
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage ?? null).toBeNull();
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop' || chunk.choices[0]?.finish_reason === 'length')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
  });

  it('a reasoning model streams reasoning_content (an extra delta field the package passes through) before content', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stream = await client().chat.completions.create({
      model: 'deepseek-r1',
      messages: [{ role: 'user', content: 'think about it' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // Not in the package's types: read as the plain field it is on the wire.
    const reasoningOf = (delta: object | undefined): string => {
      const value = delta === undefined ? undefined : (delta as Record<string, unknown>).reasoning_content;
      return typeof value === 'string' ? value : '';
    };
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    const firstReasoning = deltas.findIndex((delta) => reasoningOf(delta) !== '');
    const firstAnswer = deltas.findIndex((delta) => (delta.content ?? '') !== '');
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstAnswer).toBeGreaterThan(firstReasoning);
    expect(deltas.slice(firstAnswer).every((delta) => reasoningOf(delta) === '')).toBe(true);
    const usage = chunks.at(-1)?.usage;
    const reasoningTokens = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoningTokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(reasoningTokens);
  });
});

describe('openai package -> simulator v2: embeddings with the default encoding', () => {
  it('asks for base64 and decodes vectors of the model dimension that match the simulator floats', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const model of ['embedding-v1', 'bge-large-zh']) {
      sent.length = 0;
      const inputs = ['hello world', '你好，世界'];
      const answer = await client().embeddings.create({ model, input: inputs });
      // The package chose base64 on its own; the simulator must have honoured it for the decode to work.
      expect(sent.at(-1)?.body?.encoding_format).toBe('base64');
      const dimensions = EMBEDDING_MODEL_DIMENSIONS[model];
      expect(answer.data).toHaveLength(2);
      for (const [index, item] of answer.data.entries()) {
        expect(item.index).toBe(index);
        expect(item.embedding).toHaveLength(dimensions ?? -1);
        expect(item.embedding.every((value) => Number.isFinite(value) && Math.abs(value) <= 1)).toBe(true);
        // Unit length and the simulator's own vector, to float32 precision: decoded, not garbage.
        expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
        const expected = embeddingVector(inputs[index] ?? '', SEED, dimensions);
        item.embedding.forEach((value, k) => expect(value).toBeCloseTo(expected[k] ?? Number.NaN, 6));
      }
      expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
    }
  });

  it('encoding_format "float" asked for explicitly comes back as floats', { timeout: TEST_TIMEOUT_MS }, async () => {
    const answer = await client().embeddings.create({ model: 'embedding-v1', input: 'hello world', encoding_format: 'float' });
    expect(answer.data[0]?.embedding).toEqual(embeddingVector('hello world', SEED));
  });
});

describe('openai package -> simulator v2: error classes', () => {
  it('400 -> BadRequestError with the v2 code', { timeout: TEST_TIMEOUT_MS }, async () => {
    const error = await rejectionOf(client().chat.completions.create({ model: 'ernie-speed-8k', messages: [{ role: 'user', content: 'hi' }], temperature: 0 }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('invalid_argument');
    expect(apiError.type).toBe('invalid_request_error');
  });

  it('401 -> AuthenticationError for a bad key, and for an unknown model as the v2 table says', { timeout: TEST_TIMEOUT_MS }, async () => {
    const badKey = await rejectionOf(
      client({ apiKey: 'not-the-key' }).chat.completions.create({ model: 'ernie-speed-8k', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(badKey).toMatchObject({ status: 401, code: 'invalid_iam_token', message: '401 IAM Certification failed' });
    const unknownModel = await rejectionOf(client().embeddings.create({ model: 'no-such-model', input: 'x' }));
    expect(unknownModel).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(unknownModel).toMatchObject({ status: 401, code: 'invalid_model' });
  });

  it('429 -> RateLimitError when a simulator quota is spent, with Retry-After', { timeout: TEST_TIMEOUT_MS }, async () => {
    const limited = await startSimulator({ seed: SEED, firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, rpm: 1, windowMs: 60_000 });
    try {
      const ask = () => client({ simulator: limited }).chat.completions.create({ model: 'ernie-speed-8k', messages: [{ role: 'user', content: 'hi' }] });
      await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
      const error = await rejectionOf(ask());
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimit).toMatchObject({ status: 429, code: 'rpm_rate_limit_exceeded', type: 'rate_limit_exceeded' });
      expect(Number(rateLimit.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.stats.throttled).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

describe('openai package -> simulator v2: an IAM bearer token as the API key', () => {
  it('a token minted with bce-auth-v1 at /v1/BCE-BEARER/token works as apiKey', { timeout: TEST_TIMEOUT_MS }, async () => {
    const query = new URLSearchParams('expireInSeconds=600');
    const headers: Record<string, string> = { host: new URL(sim.url).host };
    const { authorization } = signRequest({
      method: 'GET',
      path: IAM_BEARER_TOKEN_PATH,
      query,
      headers,
      accessKey: sim.credentials.accessKey,
      secretKey: sim.credentials.secretKey,
      timestamp: new Date(),
      expirationSeconds: 1800,
    });
    // undici's request, not fetch: fetch may not send the signed `host` header as given.
    const response = await request(`${sim.url}${IAM_BEARER_TOKEN_PATH}?${query.toString()}`, { headers: { ...headers, authorization } });
    expect(response.statusCode).toBe(200);
    const { token } = (await response.body.json()) as { token: string };
    const completion = await client({ apiKey: token }).chat.completions.create({ model: 'ernie-lite-8k', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});
