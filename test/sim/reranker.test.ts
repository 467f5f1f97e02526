import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { rankDocuments, relevanceScore } from '../../src/sim/reranker.js';
import { getToken, post, type JsonAnswer } from './helpers.js';

const V1_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/reranker';

interface Ranked {
  document: string;
  relevance_score: number;
  index: number;
}

function v1Url(sim: RunningSimulator, token: string, suffix = 'bce_reranker_base'): string {
  return `${sim.url}${V1_PATH}/${suffix}?access_token=${encodeURIComponent(token)}`;
}

async function postV2(sim: RunningSimulator, body: unknown, key: string | null = sim.credentials.bearerToken): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await request(`${sim.url}/v2/rerankers`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // kept in `text`
  }
  return { status: response.statusCode, headers: response.headers, contentType: String(response.headers['content-type'] ?? ''), text, json };
}

const QUERY = '北京的天气';
const DOCUMENTS = ['北京今天12.5度，北风，阴天', '北京美食很多', 'the cat sleeps'];

describe('rerank scores', () => {
  it('are deterministic per query, document and seed, in (0, 1), and favour shared words', () => {
    const score = relevanceScore(QUERY, DOCUMENTS[0] as string, 1);
    expect(relevanceScore(QUERY, DOCUMENTS[0] as string, 1)).toBe(score);
    expect(relevanceScore(QUERY, DOCUMENTS[0] as string, 2)).not.toBe(score);
    for (const document of DOCUMENTS) {
      const value = relevanceScore(QUERY, document, 1);
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
    // Nothing in common with the query: below a document that shares its words.
    expect(relevanceScore('load test latency', 'load test latency and throughput', 1)).toBeGreaterThan(relevanceScore('load test latency', '猫喜欢晒太阳', 1));
  });

  it('come best first with their request index, cut to top_n', () => {
    const ranked = rankDocuments(QUERY, DOCUMENTS, 1);
    expect(ranked.map((item) => item.index).sort()).toEqual([0, 1, 2]);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.relevance_score).toBeGreaterThanOrEqual(ranked[i]!.relevance_score);
    expect(ranked.at(-1)?.document).toBe('the cat sleeps');
    expect(rankDocuments(QUERY, DOCUMENTS, 1, 2)).toEqual(ranked.slice(0, 2));
    expect(rankDocuments(QUERY, DOCUMENTS, 1, 10)).toEqual(ranked);
  });
});

describe('v1 reranker', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 5, prefillMsPerToken: 0.1, jitter: 0, seed: 3 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('answers a reranker_list best first, with usage of the query and every document', async () => {
    const answer = await post(v1Url(sim, token), { query: QUERY, documents: DOCUMENTS, user_id: 'u1' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('application/json');
    expect(answer.json).toMatchObject({ object: 'reranker_list' });
    expect(String(answer.json.id)).toMatch(/^as-[a-z0-9]{10}$/);
    const results = answer.json.results as Ranked[];
    expect(results).toEqual(rankDocuments(QUERY, DOCUMENTS, 3));
    const tokens = [QUERY, ...DOCUMENTS].reduce((sum, text) => sum + countSimTokens(text), 0);
    expect(answer.json.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    const again = await post(v1Url(sim, token), { query: QUERY, documents: DOCUMENTS });
    expect(again.json.results).toEqual(results);
  });

  it('returns the top_n best', async () => {
    const answer = await post(v1Url(sim, token), { query: QUERY, documents: DOCUMENTS, top_n: 1 });
    expect(answer.json.results).toEqual(rankDocuments(QUERY, DOCUMENTS, 3, 1));
  });

  it('refuses what the platform refuses with 336003', async () => {
    const code = async (body: unknown): Promise<unknown> => (await post(v1Url(sim, token), body)).json.error_code;
    expect(await code({ query: QUERY, documents: [] })).toBe(336003);
    expect(await code({ query: QUERY })).toBe(336003);
    expect(await code({ query: '', documents: ['a'] })).toBe(336003);
    expect(await code({ query: QUERY, documents: ['a', ''] })).toBe(336003);
    expect(await code({ query: QUERY, documents: ['a', 3] })).toBe(336003);
    expect(await code({ query: QUERY, documents: Array.from({ length: 65 }, (_, i) => `d${i}`) })).toBe(336003);
    expect(await code({ query: QUERY, documents: ['x'.repeat(4097)] })).toBe(336003);
    expect(await code({ query: 'q'.repeat(1601), documents: ['a'] })).toBe(336003);
    expect(await code({ query: QUERY, documents: ['a'], top_n: 0 })).toBe(336003);
    expect(await code({ query: QUERY, documents: ['a'], top_n: 1.5 })).toBe(336003);
    expect(await code('{not json')).toBe(336002);
    expect((await post(v1Url(sim, token), { query: QUERY, documents: Array.from({ length: 64 }, (_, i) => `d${i}`) })).status).toBe(200);
  });

  it('needs a valid access token', async () => {
    const answer = await post(v1Url(sim, 'not-a-token'), { query: QUERY, documents: DOCUMENTS });
    expect(answer.json.error_code).toBe(110);
  });
});

describe('reranker latency', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 0, prefillMsPerToken: 2, jitter: 0, seed: 1 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('grows with the number of documents: the query is read once per document', async () => {
    const documents = Array.from({ length: 20 }, (_, i) => `document number ${i} about load tests`);
    const queryTokens = countSimTokens(QUERY);
    const pairTokens = documents.reduce((sum, document) => sum + queryTokens + countSimTokens(document), 0);
    const startedAt = performance.now();
    const answer = await post(v1Url(sim, token), { query: QUERY, documents });
    const elapsedMs = performance.now() - startedAt;
    expect(answer.status).toBe(200);
    // No jitter and no other load: the answer waits at least the modelled delay.
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * pairTokens - 5);
  });
});

describe('v2 rerankers', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 5, prefillMsPerToken: 0.1, jitter: 0, seed: 3 });
  });
  afterAll(() => sim.close());

  it('answers a rerank_list with the model, results best first and usage', async () => {
    const answer = await postV2(sim, { model: 'bce-reranker-base_v1', query: QUERY, documents: DOCUMENTS, top_n: 2, user: 'u1' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ object: 'rerank_list', model: 'bce-reranker-base_v1' });
    expect(answer.json.results).toEqual(rankDocuments(QUERY, DOCUMENTS, 3, 2));
    const tokens = [QUERY, ...DOCUMENTS].reduce((sum, text) => sum + countSimTokens(text), 0);
    expect(answer.json.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    // The alias names the same model.
    expect((await postV2(sim, { model: 'bce-reranker-base', query: QUERY, documents: DOCUMENTS })).status).toBe(200);
  });

  it('answers v2 errors with real statuses', async () => {
    const code = (answer: JsonAnswer): unknown => (answer.json.error as { code?: unknown } | undefined)?.code;
    expect((await postV2(sim, { model: 'bce-reranker-base_v1', query: QUERY, documents: DOCUMENTS }, null)).status).toBe(401);
    const bad = await postV2(sim, '{not json');
    expect([bad.status, code(bad)]).toEqual([400, 'malformed_json']);
    const noModel = await postV2(sim, { query: QUERY, documents: DOCUMENTS });
    expect([noModel.status, code(noModel)]).toEqual([400, 'invalid_model']);
    const unknown = await postV2(sim, { model: 'embedding-v1', query: QUERY, documents: DOCUMENTS });
    expect([unknown.status, code(unknown)]).toEqual([401, 'invalid_model']);
    const empty = await postV2(sim, { model: 'bce-reranker-base_v1', query: QUERY, documents: [] });
    expect([empty.status, code(empty)]).toEqual([400, 'invalid_argument']);
    const topN = await postV2(sim, { model: 'bce-reranker-base_v1', query: QUERY, documents: DOCUMENTS, top_n: -1 });
    expect([topN.status, code(topN)]).toEqual([400, 'invalid_argument']);
  });
});
