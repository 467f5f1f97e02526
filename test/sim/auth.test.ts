import { afterEach, describe, it, expect } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, getToken, post, sleep, userMessage } from './helpers.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const fast = { firstChunkMs: 5, msPerOutputToken: 0, jitter: 0 };

describe('OAuth token endpoint', () => {
  it('issues a token shaped like the real one for the right AK/SK', async () => {
    sim = await startSimulator(fast);
    const answer = await post(`${sim.url}/oauth/2.0/token?grant_type=client_credentials&client_id=sim-ak&client_secret=sim-sk`);
    expect(answer.status).toBe(200);
    expect(answer.json.expires_in).toBe(2592000);
    expect(answer.json.access_token).toMatch(/^24\.[0-9a-f]{32}\.2592000\.\d{10}\.\d+-\d+$/);
    for (const field of ['refresh_token', 'session_key', 'session_secret', 'scope']) {
      expect(typeof answer.json[field]).toBe('string');
    }
    expect(sim.stats.tokenRequests).toBe(1);
  });

  it('rejects an unknown AK, a wrong SK and another grant type with the real bodies', async () => {
    sim = await startSimulator({ ...fast, ak: 'my-ak', sk: 'my-sk' });
    const base = `${sim.url}/oauth/2.0/token?grant_type=client_credentials`;
    const unknown = await post(`${base}&client_id=other&client_secret=my-sk`);
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'unknown client id' });
    const wrongSecret = await post(`${base}&client_id=my-ak&client_secret=nope`);
    expect(wrongSecret.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    const grant = await post(`${sim.url}/oauth/2.0/token?grant_type=password&client_id=my-ak&client_secret=my-sk`);
    expect(grant.json).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported',
    });
  });
});

describe('access tokens on the API', () => {
  it('answers 110 without a token or with an unknown one', async () => {
    sim = await startSimulator(fast);
    const missing = await post(`${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed`, userMessage('hi'));
    expect(missing.status).toBe(200);
    expect(missing.contentType).toContain('application/json');
    expect(missing.json.error_code).toBe(110);
    expect(missing.json.error_msg).toBe('Access token invalid or no longer valid');
    expect(String(missing.json.id)).toMatch(/^as-[a-z0-9]{10}$/);
    const unknown = await post(chatUrl(sim, '24.bogus'), userMessage('hi'));
    expect(unknown.json.error_code).toBe(110);
    expect(sim.stats.chatRequests).toBe(2);
  });

  it('answers 111 after expireTokens() and accepts a freshly issued token', async () => {
    sim = await startSimulator(fast);
    const token = await getToken(sim);
    expect((await post(chatUrl(sim, token), userMessage('hi'))).json.result).toBeTypeOf('string');
    sim.expireTokens();
    const expired = await post(chatUrl(sim, token), { ...userMessage('hi'), stream: true });
    expect(expired.contentType).toContain('application/json');
    expect(expired.json).toMatchObject({ error_code: 111, error_msg: 'Access token expired' });
    const fresh = await getToken(sim);
    expect((await post(chatUrl(sim, fresh), userMessage('hi'))).json.result).toBeTypeOf('string');
  });

  it('expires tokens after tokenTtlMs', async () => {
    sim = await startSimulator({ ...fast, tokenTtlMs: 100 });
    const token = await getToken(sim);
    await sleep(150);
    expect((await post(chatUrl(sim, token), userMessage('hi'))).json.error_code).toBe(111);
  });
});

describe('routing', () => {
  it('answers unknown paths with 404 and error 3', async () => {
    sim = await startSimulator(fast);
    const answer = await post(`${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/nothing/here`, {});
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error_code: 3, error_msg: 'Unsupported openapi method' });
    expect(sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/nothing/here']).toBe(1);
    expect(sim.stats.httpRequests).toBe(1);
  });
});
