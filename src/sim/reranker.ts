/**
 * Rerankers on the simulator: v1 `POST …/wenxinworkshop/reranker/{suffix}?access_token=…` and v2
 * `POST /v2/rerankers` (qianfan-api.md §2, §6; the bce-reranker-base_v1 API page).
 *
 * Request: `query`, `documents`, optional `top_n` (a positive integer; at most the number of
 * documents come back) and `user_id` (v2: `model` of a catalog reranker, `user`). The limits are
 * the shared ones (qianfan/spec/reranker-limits.ts): v1 refuses with 336003 (HTTP 200), v2 with 400
 * invalid_argument; an unknown v2 model gets 401 invalid_model as in the v2 table.
 * Scores: deterministic in (query, document, seed): the share of the document's characters that
 * also occur in the query, blended with a seeded hash, so a document that shares words with the
 * query ranks higher and equal inputs always rank alike. Results come best first, each with its
 * `index` in the request. Usage: prompt_tokens = total_tokens = tokens of the query plus every document.
 * Latency: a cross-encoder reads the query once per document, so one answer after
 * (firstChunkMs * 0.2 + prefillMsPerToken * Σ(query + document tokens)), times the batch slowdown
 * and the jitter factor like every simulated delay (latency.ts): it grows with the documents.
 * Quotas: v1 `reranker/<suffix>`, v2 `rerankers/<model>`, as embeddings do. Rerank traffic draws
 * from the embeddings random stream and counts among the embedding requests of the stats (the
 * non-chat stream), so it never shifts which chat requests get faulted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelEntry } from '../qianfan/spec/catalog.js';
import { rerankInputProblem, topNProblem, MAX_RERANK_QUERY_CHARS } from '../qianfan/spec/reranker-limits.js';
import { hashString, type Random } from '../util/random.js';
import type { SimContext } from './context.js';
import { admitV1, admitV2, answerV1Later, answerV2Later, openV1JsonRequest, openV2JsonRequest } from './json-endpoint.js';
import { jitterFactor, slowdownFactor } from './latency.js';
import { unixSeconds, v1Error } from './responses.js';
import { countSimTokens } from './tokenizer.js';
import { v2Error, V2_ERRORS } from './v2-responses.js';

export const V1_RERANKER_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/reranker\/([^/]+)\/?$/;
export const V2_RERANKERS_PATH = '/v2/rerankers';

/** How relevant `document` is to `query`, in (0, 1): character overlap blended with seeded noise. */
export function relevanceScore(query: string, document: string, seed: number): number {
  const queryChars = new Set([...query.toLowerCase()].filter((char) => char.trim() !== ''));
  const docChars = [...document.toLowerCase()].filter((char) => char.trim() !== '');
  const overlap = docChars.length === 0 ? 0 : docChars.filter((char) => queryChars.has(char)).length / docChars.length;
  const noise = hashString(`${query}\u0000${document}`, hashString(`rerank:${seed}`)) / 0xffffffff;
  return 0.05 + 0.9 * (0.7 * overlap + 0.3 * noise);
}

export interface RankedResult {
  document: string;
  relevance_score: number;
  index: number;
}

/** The documents best first (ties by request order), cut to `topN`. */
export function rankDocuments(query: string, documents: readonly string[], seed: number, topN = documents.length): RankedResult[] {
  return documents
    .map((document, index) => ({ document, relevance_score: relevanceScore(query, document, seed), index }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, Math.max(0, topN));
}

export function rerankDelayMs(ctx: SimContext, random: Random, query: string, documents: readonly string[]): number {
  const { options, stats } = ctx;
  const queryTokens = countSimTokens(query);
  const pairTokens = documents.reduce((sum, document) => sum + queryTokens + countSimTokens(document), 0);
  const base = options.firstChunkMs * 0.2 + options.prefillMsPerToken * pairTokens;
  return base * slowdownFactor(stats.inFlight, options.capacity) * jitterFactor(random, options.jitter);
}

function rerankTokens(query: string, documents: readonly string[]): number {
  return documents.reduce((sum, document) => sum + countSimTokens(document), countSimTokens(query));
}

type Checked = { ok: true; query: string; documents: string[]; topN: number } | { ok: false; message: string };

function checkBody(body: Record<string, unknown>, model: ModelEntry | undefined, userField: 'user_id' | 'user'): Checked {
  const problem = rerankInputProblem(body.query, body.documents, model?.maxInputChars ?? MAX_RERANK_QUERY_CHARS) ?? topNProblem(body.top_n);
  if (problem !== undefined) return { ok: false, message: problem };
  if (body[userField] !== undefined && typeof body[userField] !== 'string') return { ok: false, message: `${userField} must be a string` };
  const documents = body.documents as string[];
  return { ok: true, query: body.query as string, documents, topN: typeof body.top_n === 'number' ? body.top_n : documents.length };
}

function findReranker(models: readonly ModelEntry[], match: (model: ModelEntry) => boolean): ModelEntry | undefined {
  return models.find((model) => model.kind === 'reranker' && match(model));
}

/** A v2 id names a reranker by its name or an alias, lowercased. */
function hasV2Id(model: ModelEntry, id: string): boolean {
  return [model.name, ...(model.aliases ?? [])].some((name) => name.toLowerCase() === id);
}

export async function serveV1Reranker(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL, suffix: string, arrival: number): Promise<void> {
  const { options } = ctx;
  const request = await openV1JsonRequest(ctx, req, res, url, `reranker/${suffix}`, arrival);
  if (request === undefined) return;
  const { body, fail, exchange } = request;
  const checked = checkBody(
    body,
    findReranker(options.catalog.models, (model) => model.endpoint === suffix),
    'user_id',
  );
  if (!checked.ok) return fail(v1Error(336003, checked.message));

  const promptTokens = rerankTokens(checked.query, checked.documents);
  if (!admitV1(request, promptTokens)) return;
  answerV1Later(request, rerankDelayMs(ctx, exchange.random, checked.query, checked.documents), promptTokens, () => ({
    id: exchange.id,
    object: 'reranker_list',
    created: unixSeconds(),
    results: rankDocuments(checked.query, checked.documents, options.seed, checked.topN),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }));
}

export async function serveV2Rerankers(ctx: SimContext, req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
  const { options } = ctx;
  const request = await openV2JsonRequest(ctx, req, res, 'rerankers', arrival);
  if (request === undefined) return;
  const { body, fail, exchange, model, modelField } = request;
  const entry = findReranker(options.catalog.models, (candidate) => hasV2Id(candidate, model.toLowerCase()));
  if (entry === undefined) return fail(V2_ERRORS.unknownModel());
  const checked = checkBody(body, entry, 'user');
  if (!checked.ok) return fail(v2Error(400, 'invalid_argument', checked.message));

  const promptTokens = rerankTokens(checked.query, checked.documents);
  if (!admitV2(request, promptTokens)) return;
  answerV2Later(request, rerankDelayMs(ctx, exchange.random, checked.query, checked.documents), promptTokens, () => ({
    id: exchange.id,
    object: 'rerank_list',
    created: unixSeconds(),
    model: modelField,
    results: rankDocuments(checked.query, checked.documents, options.seed, checked.topN),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }));
}
