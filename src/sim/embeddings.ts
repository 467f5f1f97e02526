/**
 * Embeddings on the simulator: v1 `POST …/wenxinworkshop/embeddings/{suffix}?access_token=…` and
 * v2 `POST /v2/embeddings` (qianfan-api.md §2, §6).
 *
 * Vectors: the model's dimension (EMBEDDING_MODEL_DIMENSIONS: Embedding-V1 384, bge-large-zh,
 * bge-large-en and tao-8k 1024; any other model 384, like the SDK's mock), a deterministic function
 * of the text, the seed and the dimension only (not of the batch or the position in it): Gaussian
 * components from a PRNG seeded by hash(text, seed), scaled to unit length. v2 sends them as JSON
 * floats, or with `encoding_format: "base64"` as the base64 of their little-endian float32 bytes
 * (what the openai package asks for by default and decodes).
 * Usage: prompt_tokens = total_tokens = the sum of countSimTokens over the inputs.
 * Latency: one answer after (firstChunkMs * 0.2 + prefillMsPerToken * prompt_tokens), multiplied by
 * the batch slowdown and the jitter factor like every simulated delay (latency.ts).
 * Quotas: v1 charges 1 request + prompt_tokens to the v1 quota `embeddings/<suffix>` (336501/336502
 * with HTTP 200 when spent); v2 to the v2 quota `embeddings/<model>` (429 + Retry-After, split
 * token headers). Faults and directives do not apply to embeddings.
 *
 * v1 input rules (errors 336003, HTTP 200): `input` is an array of 1..16 non-empty strings. Any
 * suffix is accepted (known: embedding-v1, bge_large_en, bge_large_zh, tao_8k). v2: `model` names
 * an embedding model of the catalog (lowercase name; unknown -> 401 invalid_model as in the v2
 * table), `input` a non-empty string or such an array, `encoding_format` "float" (default) or "base64".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashString, seededRandom, type Random } from '../util/random.js';
import type { ModelEntry } from '../qianfan/spec/catalog.js';
import type { SimContext } from './context.js';
import { admitV1, admitV2, answerV1Later, answerV2Later, openV1JsonRequest, openV2JsonRequest } from './json-endpoint.js';
import { jitterFactor, slowdownFactor } from './latency.js';
import { unixSeconds, v1Error } from './responses.js';
import { countSimTokens } from './tokenizer.js';
import { v2Error, V2_ERRORS } from './v2-responses.js';

/** The dimension of a model not in EMBEDDING_MODEL_DIMENSIONS (the SDK mock's). */
export const EMBEDDING_DIMENSIONS = 384;
/** Vector dimension per embedding model, keyed by the catalog name lowercased (the v2 model id). */
export const EMBEDDING_MODEL_DIMENSIONS: Readonly<Record<string, number>> = {
  'embedding-v1': 384,
  'bge-large-zh': 1024,
  'bge-large-en': 1024,
  'tao-8k': 1024,
};
export const MAX_EMBEDDING_INPUTS = 16;
export const V1_EMBEDDINGS_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/embeddings\/([^/]+)\/?$/;
export const V2_EMBEDDINGS_PATH = '/v2/embeddings';

/** The embedding of `text`: deterministic from the text and the seed, unit Euclidean norm. */
export function embeddingVector(text: string, seed: number, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const random = seededRandom(hashString(text, hashString(`embedding:${seed}`)));
  const vector: number[] = [];
  while (vector.length < dimensions) {
    // Box-Muller: two uniforms -> two independent standard normals (1 - u keeps the log finite).
    const u = 1 - random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    vector.push(radius * Math.cos(2 * Math.PI * v));
    if (vector.length < dimensions) vector.push(radius * Math.sin(2 * Math.PI * v));
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm > 0 ? vector.map((x) => x / norm) : vector.map((_, i) => (i === 0 ? 1 : 0));
}

export function embeddingDelayMs(ctx: SimContext, random: Random, promptTokens: number): number {
  const { options, stats } = ctx;
  const base = options.firstChunkMs * 0.2 + options.prefillMsPerToken * promptTokens;
  return base * slowdownFactor(stats.inFlight, options.capacity) * jitterFactor(random, options.jitter);
}

type Inputs = { ok: true; texts: string[] } | { ok: false; message: string };

function checkInputs(value: unknown, allowString: boolean): Inputs {
  if (allowString && typeof value === 'string') value = [value];
  if (!Array.isArray(value) || value.length === 0) {
    return { ok: false, message: allowString ? 'input must be a non-empty string or array of strings' : 'input must be a non-empty array of strings' };
  }
  if (value.length > MAX_EMBEDDING_INPUTS) return { ok: false, message: `input must contain at most ${MAX_EMBEDDING_INPUTS} texts` };
  for (let index = 0; index < value.length; index++) {
    const text: unknown = value[index];
    if (typeof text !== 'string' || text.length === 0) return { ok: false, message: `input[${index}] must be a non-empty string` };
  }
  return { ok: true, texts: value as string[] };
}

/** The dimension of the model a catalog entry (or none: an unknown v1 suffix) describes. */
export function embeddingDimensionsOf(model: ModelEntry | undefined): number {
  return (model && EMBEDDING_MODEL_DIMENSIONS[model.name.toLowerCase()]) ?? EMBEDDING_DIMENSIONS;
}

/** The catalog's embedding model that `match` picks (by v2 id or by v1 suffix). */
function findEmbeddingModel(models: readonly ModelEntry[], match: (model: ModelEntry) => boolean): ModelEntry | undefined {
  return models.find((model) => model.kind === 'embedding' && match(model));
}

export type EmbeddingEncoding = 'float' | 'base64';

/** What OpenAI's base64 encoding carries: the vector's float32 values, little-endian, base64. */
export function base64Float32(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function embeddingData(texts: string[], seed: number, dimensions: number, encoding: EmbeddingEncoding = 'float'): Array<Record<string, unknown>> {
  return texts.map((text, index) => {
    const vector = embeddingVector(text, seed, dimensions);
    return { object: 'embedding', embedding: encoding === 'base64' ? base64Float32(vector) : vector, index };
  });
}

function encodingOf(value: unknown): EmbeddingEncoding | undefined {
  if (value === undefined || value === null || value === 'float') return 'float';
  return value === 'base64' ? 'base64' : undefined;
}

function promptTokensOf(texts: string[]): number {
  return texts.reduce((sum, text) => sum + countSimTokens(text), 0);
}

export async function serveV1Embeddings(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL, suffix: string, arrival: number): Promise<void> {
  const { options } = ctx;
  const request = await openV1JsonRequest(ctx, req, res, url, `embeddings/${suffix}`, arrival);
  if (request === undefined) return;
  const { body, fail, exchange } = request;
  const inputs = checkInputs(body.input, false);
  if (!inputs.ok) return fail(v1Error(336003, inputs.message));
  if (body.user_id !== undefined && typeof body.user_id !== 'string') return fail(v1Error(336003, 'user_id must be a string'));

  const promptTokens = promptTokensOf(inputs.texts);
  if (!admitV1(request, promptTokens)) return;
  const dimensions = embeddingDimensionsOf(findEmbeddingModel(options.catalog.models, (model) => model.endpoint === suffix));
  answerV1Later(request, embeddingDelayMs(ctx, exchange.random, promptTokens), promptTokens, () => ({
    id: exchange.id,
    object: 'embedding_list',
    created: unixSeconds(),
    data: embeddingData(inputs.texts, options.seed, dimensions),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }));
}

export async function serveV2Embeddings(ctx: SimContext, req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
  const { options } = ctx;
  const request = await openV2JsonRequest(ctx, req, res, 'embeddings', arrival);
  if (request === undefined) return;
  const { body, fail, exchange, model, modelField } = request;
  const entry = findEmbeddingModel(options.catalog.models, (candidate) => candidate.name.toLowerCase() === model.toLowerCase());
  if (entry === undefined) return fail(V2_ERRORS.unknownModel());
  const inputs = checkInputs(body.input, true);
  if (!inputs.ok) return fail(v2Error(400, 'invalid_argument', inputs.message));
  if (body.user !== undefined && typeof body.user !== 'string') return fail(v2Error(400, 'invalid_argument', 'user must be a string'));
  const encoding = encodingOf(body.encoding_format);
  if (encoding === undefined) return fail(v2Error(400, 'invalid_argument', 'encoding_format must be "float" or "base64"'));

  const promptTokens = promptTokensOf(inputs.texts);
  if (!admitV2(request, promptTokens)) return;
  answerV2Later(request, embeddingDelayMs(ctx, exchange.random, promptTokens), promptTokens, () => ({
    id: exchange.id,
    object: 'list',
    created: unixSeconds(),
    model: modelField,
    data: embeddingData(inputs.texts, options.seed, embeddingDimensionsOf(entry), encoding),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }));
}
