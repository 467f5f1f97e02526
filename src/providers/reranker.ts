/**
 * Reranker requests and answers, v1 `POST …/wenxinworkshop/reranker/{endpoint}` and v2
 * `POST /v2/rerankers` (qianfan-api.md §2, §6). Both send the row's last user turn as `query`, its
 * documents as `documents`, and `top_n` / `user_id` (v2: `user`) when given; both answer
 * `results: [{document, relevance_score, index}]` best first, with `usage`. Pure functions, no I/O.
 */
import type { ProviderRequest } from './types.js';

/** `{baseUrl}/rerankers`, the sibling of chat completions (Qianfan v2 `/v2/rerankers`). */
export function rerankersUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '')}/rerankers`;
  return url.toString();
}

function rerankQuery(request: ProviderRequest): string {
  return request.messages.at(-1)?.content ?? '';
}

/** The v1 body: `query`, `documents`, and `top_n` / `user_id` when the cell sets them. */
export function v1RerankerBody(request: ProviderRequest): string {
  const body: Record<string, unknown> = { query: rerankQuery(request), documents: request.documents ?? [] };
  if (request.params.top_n !== undefined) body.top_n = request.params.top_n;
  if (request.params.user_id !== undefined) body.user_id = request.params.user_id;
  return JSON.stringify(body);
}

/** The v2 body: `model` besides, and `user` for v1's `user_id` (a `user` given as such wins). */
export function v2RerankerBody(request: ProviderRequest): string {
  const body: Record<string, unknown> = { model: request.model, query: rerankQuery(request), documents: request.documents ?? [] };
  if (request.params.top_n !== undefined) body.top_n = request.params.top_n;
  const user = request.params.user ?? request.params.user_id;
  if (user !== undefined) body.user = user;
  return JSON.stringify(body);
}

interface RankedDocument {
  index: number;
  score: number;
}

function rankedDocuments(body: Record<string, unknown>): RankedDocument[] | undefined {
  if (!Array.isArray(body.results)) return undefined;
  const ranked: RankedDocument[] = [];
  for (const item of body.results as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const { index, relevance_score: score } = item as Record<string, unknown>;
    if (typeof index === 'number' && typeof score === 'number') ranked.push({ index, score });
  }
  return ranked;
}

/** A reranker answer's output column: the ranking as `index:score` pairs, best first (not the documents' texts). */
export function describeRanking(body: Record<string, unknown>): string | undefined {
  const ranked = rankedDocuments(body);
  if (ranked === undefined) return undefined;
  const pairs = ranked.map((doc) => `${doc.index}:${doc.score.toFixed(4)}`).join(' ');
  return `${ranked.length} document${ranked.length === 1 ? '' : 's'} ranked${pairs === '' ? '' : `: ${pairs}`}`;
}
