/**
 * v1 answers carry the platform's headers (qianfan-api.md §9, the Dolly page's sync answer
 * example): `Content-Type: application/json;charset=utf-8` on every JSON body, and
 * `Statement: AI-generated` on a generated answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, COMPLETIONS_PATH, getToken, header, post, readStream, TOKENIZER_PATH, userMessage } from './helpers.js';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
  token = await getToken(sim);
});
afterAll(() => sim.close());

const JSON_UTF8 = 'application/json;charset=utf-8';

describe('v1 answer headers', () => {
  it('a sync chat and completions answer: JSON with charset and the AI-generated statement', async () => {
    for (const path of [undefined, COMPLETIONS_PATH]) {
      const body = path === undefined ? userMessage('hi') : { prompt: 'hi' };
      const answer = await post(chatUrl(sim, token, 'ernie_speed', path), body);
      expect(answer.json.result).toBeTypeOf('string');
      expect(answer.contentType).toBe(JSON_UTF8);
      expect(header(answer, 'statement')).toBe('AI-generated');
    }
  });

  it('errors and the token endpoint: JSON with charset, no statement', async () => {
    const refused = await post(chatUrl(sim, token), { messages: [] });
    expect(refused.json.error_code).toBe(336006);
    expect(refused.contentType).toBe(JSON_UTF8);
    expect(header(refused, 'statement')).toBeUndefined();
    const noToken = await post(`${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed`, userMessage('hi'));
    expect(noToken.json.error_code).toBe(110);
    expect(noToken.contentType).toBe(JSON_UTF8);
    const tokenAnswer = await post(`${sim.url}/oauth/2.0/token?grant_type=client_credentials&client_id=sim-ak&client_secret=sim-sk`);
    expect(tokenAnswer.contentType).toBe(JSON_UTF8);
    const tokenizer = await post(`${sim.url}${TOKENIZER_PATH}?access_token=${token}`, { prompt: 'hello' });
    expect(tokenizer.contentType).toBe(JSON_UTF8);
    const unknownPath = await post(`${sim.url}/nothing`, {});
    expect(unknownPath.contentType).toBe(JSON_UTF8);
    // A stream refused before it starts is JSON too (clients branch on "contains json").
    const busy = await readStream(chatUrl(sim, token), { ...userMessage('[[sim:fault=jsonInsteadOfStream]]'), stream: true });
    expect(busy.contentType).toBe(JSON_UTF8);
  });

  it('a v1 embeddings answer: JSON with charset like the other v1 answers', async () => {
    const answer = await post(`${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1?access_token=${token}`, { input: ['hello'] });
    expect(Array.isArray(answer.json.data)).toBe(true);
    expect(answer.contentType).toBe(JSON_UTF8);
  });

  it('v1 reranker and text-to-image answers: JSON with charset like the other v1 answers', async () => {
    const base = `${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop`;
    const reranked = await post(`${base}/reranker/bce_reranker_base?access_token=${token}`, { query: 'q', documents: ['a', 'b'] });
    expect(Array.isArray(reranked.json.results)).toBe(true);
    expect(reranked.contentType).toBe(JSON_UTF8);
    const drawn = await post(`${base}/text2image/sd_xl?access_token=${token}`, { prompt: 'a cat', steps: 10 });
    expect(Array.isArray(drawn.json.data)).toBe(true);
    expect(drawn.contentType).toBe(JSON_UTF8);
  });

  it('a stream stays text/event-stream', async () => {
    const read = await readStream(chatUrl(sim, token), { ...userMessage('hi'), stream: true });
    expect(read.contentType).toContain('text/event-stream');
  });
});
