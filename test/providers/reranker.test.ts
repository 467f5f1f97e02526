import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import { clearTokenCache } from '../../src/providers/qianfan/oauth.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import { describeRanking, rerankersUrl, v1RerankerBody, v2RerankerBody } from '../../src/providers/reranker.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let agent: Dispatcher;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, jitter: 0, prefillMsPerToken: 0.1 });
  agent = createAgent({ connections: 8, timeouts: DEFAULT_TIMEOUTS });
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});
beforeEach(() => clearTokenCache());

const QUERY = 'What does a load test measure?';
const DOCUMENTS = ['Latency and throughput under concurrent requests.', 'Bananas are yellow.', 'Requests completed per second.'];

function rerank(extra: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    api: 'reranker',
    model: 'bce-reranker-base_v1',
    endpoint: 'bce_reranker_base',
    messages: [{ role: 'user', content: QUERY }],
    params: {},
    stream: false,
    documents: DOCUMENTS,
    ...extra,
  };
}

const tokens = [QUERY, ...DOCUMENTS].reduce((sum, text) => sum + countSimTokens(text), 0);

describe('reranker request mapping', () => {
  it('sends the last user turn as query, the documents, top_n and the user field of each protocol', () => {
    const request = rerank({ params: { top_n: 2, user_id: 'u1' } });
    expect(JSON.parse(v1RerankerBody(request))).toEqual({ query: QUERY, documents: DOCUMENTS, top_n: 2, user_id: 'u1' });
    expect(JSON.parse(v2RerankerBody(request))).toEqual({ model: 'bce-reranker-base_v1', query: QUERY, documents: DOCUMENTS, top_n: 2, user: 'u1' });
    expect(rerankersUrl('https://qianfan.baidubce.com/v2')).toBe('https://qianfan.baidubce.com/v2/rerankers');
    expect(rerankersUrl('http://host/v2/chat/completions')).toBe('http://host/v2/rerankers');
  });

  it('describes a ranking by index and score, not by the documents', () => {
    const body = {
      results: [
        { document: 'b', relevance_score: 0.9, index: 1 },
        { document: 'a', relevance_score: 0.25, index: 0 },
      ],
    };
    expect(describeRanking(body)).toBe('2 documents ranked: 1:0.9000 0:0.2500');
    expect(describeRanking({ results: [] })).toBe('0 documents ranked');
    expect(describeRanking({ result: 'text' })).toBeUndefined();
  });
});

describe('reranker providers against the simulator', () => {
  it('v1 posts to reranker/{endpoint} and records latency, usage and the ranking', async () => {
    const provider = createQianfanProvider({
      baseUrl: sim.url,
      auth: { kind: 'oauth', credentials: { ak: sim.credentials.ak, sk: sim.credentials.sk } },
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
      refreshOnExpiredToken: true,
    });
    const before = sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/reranker/bce_reranker_base'] ?? 0;
    const result = await provider.send(rerank({ params: { top_n: 2 } }));
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.doneAt).toBeGreaterThan(result.dispatchedAt);
    expect(result.usage).toEqual({ promptTokens: tokens, completionTokens: 0, totalTokens: tokens });
    expect(result.output).toMatch(/^2 documents ranked: [0-2]:0\.\d{4} [0-2]:0\.\d{4}$/);
    expect((sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/reranker/bce_reranker_base'] ?? 0) - before).toBe(1);
  });

  it('v1 reports a refused request as invalid', async () => {
    const provider = createQianfanProvider({
      baseUrl: sim.url,
      auth: { kind: 'oauth', credentials: { ak: sim.credentials.ak, sk: sim.credentials.sk } },
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
      refreshOnExpiredToken: true,
    });
    const result = await provider.send(rerank({ documents: [] }));
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 336003 });
  });

  it('v2 posts to /v2/rerankers with the model and records latency and usage', async () => {
    const provider = createOpenAIProvider({ baseUrl: `${sim.url}/v2`, apiKey: sim.credentials.bearerToken, dispatcher: agent, timeouts: DEFAULT_TIMEOUTS });
    const before = sim.stats.byPath['/v2/rerankers'] ?? 0;
    const result = await provider.send(rerank());
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.usage).toEqual({ promptTokens: tokens, completionTokens: 0, totalTokens: tokens });
    expect(result.output).toMatch(/^3 documents ranked: /);
    expect((sim.stats.byPath['/v2/rerankers'] ?? 0) - before).toBe(1);
    const refused = await provider.send(rerank({ model: 'no-such-reranker' }));
    expect(refused.error).toMatchObject({ httpStatus: 401, code: 'invalid_model' });
  });
});
