import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { embeddingVector, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { base64Float32, EMBEDDING_MODEL_DIMENSIONS } from '../../src/sim/embeddings.js';
import { getToken, post, type JsonAnswer } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, jitter: 0, seed: 5 });
});
afterAll(() => sim.close());

async function postV2(body: unknown): Promise<JsonAnswer> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${sim.credentials.bearerToken}` };
  const response = await request(`${sim.url}/v2/embeddings`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    contentType: String(response.headers['content-type'] ?? ''),
    text,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

interface Item {
  embedding: number[] | string;
  index: number;
}

const itemsOf = (answer: JsonAnswer): Item[] => answer.json.data as Item[];

/** Decodes OpenAI's base64 embedding: little-endian float32 values. */
function decodeBase64Float32(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const values: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) values.push(bytes.readFloatLE(offset));
  return values;
}

describe('v2 embeddings: encoding_format', () => {
  it('base64 is the little-endian float32 bytes of the float answer', { timeout: 10_000 }, async () => {
    const floats = await postV2({ model: 'embedding-v1', input: ['hello world', 'second'], encoding_format: 'float' });
    const encoded = await postV2({ model: 'embedding-v1', input: ['hello world', 'second'], encoding_format: 'base64' });
    expect([floats.status, encoded.status]).toEqual([200, 200]);
    const floatItems = itemsOf(floats);
    const base64Items = itemsOf(encoded);
    expect(base64Items.map((item) => item.index)).toEqual([0, 1]);
    for (const [i, item] of base64Items.entries()) {
      expect(typeof item.embedding).toBe('string');
      const decoded = decodeBase64Float32(item.embedding as string);
      const reference = floatItems[i]?.embedding as number[];
      expect(decoded).toHaveLength(384);
      expect(Buffer.from(item.embedding as string, 'base64')).toHaveLength(384 * 4);
      // float32 keeps about 7 significant digits of each component.
      decoded.forEach((value, k) => expect(value).toBeCloseTo(reference[k] ?? Number.NaN, 6));
    }
  });

  it('the default is float', { timeout: 10_000 }, async () => {
    const answer = await postV2({ model: 'embedding-v1', input: 'hello world' });
    expect(itemsOf(answer)[0]?.embedding).toEqual(embeddingVector('hello world', 5));
  });

  it('base64Float32 writes little-endian whatever the machine', () => {
    expect(Buffer.from(base64Float32([1, -2]), 'base64').toString('hex')).toBe('0000803f000000c0');
  });

  it('refuses another encoding with 400 invalid_argument', { timeout: 10_000 }, async () => {
    const answer = await postV2({ model: 'embedding-v1', input: 'x', encoding_format: 'int8' });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: 'invalid_argument',
      message: 'encoding_format must be "float" or "base64"',
      type: 'invalid_request_error',
    });
  });
});

describe('v2 embeddings: models and dimensions', () => {
  it('each catalog embedding model answers vectors of its documented dimension, v1 and v2 alike', { timeout: 10_000 }, async () => {
    expect(EMBEDDING_MODEL_DIMENSIONS).toEqual({ 'embedding-v1': 384, 'bge-large-zh': 1024, 'bge-large-en': 1024, 'tao-8k': 1024 });
    const token = await getToken(sim);
    const v1Suffix: Record<string, string> = {
      'embedding-v1': 'embedding-v1',
      'bge-large-zh': 'bge_large_zh',
      'bge-large-en': 'bge_large_en',
      'tao-8k': 'tao_8k',
    };
    for (const [model, dimensions] of Object.entries(EMBEDDING_MODEL_DIMENSIONS)) {
      const v2 = await postV2({ model, input: 'hello' });
      const vector = itemsOf(v2)[0]?.embedding as number[];
      expect(vector).toHaveLength(dimensions);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
      const v1 = await post(`${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/${v1Suffix[model]}?access_token=${encodeURIComponent(token)}`, {
        input: ['hello'],
      });
      expect((v1.json.data as Item[])[0]?.embedding).toEqual(vector);
    }
    // The v2 id is the catalog name, case-insensitively.
    expect(itemsOf(await postV2({ model: 'BGE-Large-ZH', input: 'hello' }))[0]?.embedding).toHaveLength(1024);
  });

  it('an unknown model is 401 invalid_model, as the v2 table says', { timeout: 10_000 }, async () => {
    const answer = await postV2({ model: 'no-such-embedding', input: 'x' });
    expect(answer.status).toBe(401);
    expect(answer.json.error).toEqual({
      code: 'invalid_model',
      message: 'The model does not exist or you do not have access to it.',
      type: 'invalid_request_error',
    });
    expect(answer.json.id).toMatch(/^as-/);
    // A chat model is not an embedding model.
    expect((await postV2({ model: 'ernie-speed-8k', input: 'x' })).status).toBe(401);
  });
});
