import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Agent } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { AuthFailureTally, authorizeV1, isAuthRefusal, type QianfanAuth } from '../../src/providers/qianfan/auth.js';
import { credentialsHint, qianfanAuthFromEnv } from '../../src/providers/qianfan/credentials.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { parseBceAuthorization, verifyBceAuthorization } from '../../src/sim/signature.js';
import { redact } from '../../src/util/redact.js';

let sim: RunningSimulator;
let agent: Agent;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.2, jitter: 0, prefillMsPerToken: 0 });
  agent = createAgent({ connections: 8, timeouts: DEFAULT_TIMEOUTS }) as Agent;
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});
afterEach(() => vi.useRealTimers());

function iam(secretKey = sim.credentials.secretKey): QianfanAuth {
  return { kind: 'iam', accessKey: sim.credentials.accessKey, secretKey };
}

function provider(auth: QianfanAuth) {
  return createQianfanProvider({ baseUrl: sim.url, auth, dispatcher: agent, timeouts: DEFAULT_TIMEOUTS, refreshOnExpiredToken: true });
}

function chat(content: string, stream: boolean, api: ProviderRequest['api'] = 'chat'): ProviderRequest {
  return { api, model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed', messages: [{ role: 'user', content }], params: {}, stream };
}

describe('Qianfan provider with IAM (bce-auth-v1) credentials', () => {
  it('chats (stream, sync, completions) against the simulator without ever fetching a token', async () => {
    const p = provider(iam());
    await p.preflight();
    expect(sim.stats.httpRequests).toBe(0);
    const streamed = await p.send(chat('Say hello to the load tester', true));
    expect(streamed.error).toBeUndefined();
    expect(streamed.ok).toBe(true);
    expect(streamed.textEventTimes.length).toBeGreaterThan(0);
    const sync = await p.send(chat('Say hello to the load tester', false));
    expect(sync.ok).toBe(true);
    expect(sync.output).toBe(streamed.output);
    const completion = await p.send(chat('Complete this', false, 'completions'));
    expect(completion.ok).toBe(true);
    expect(sim.stats.chatRequests).toBe(3);
    expect(sim.stats.tokenRequests).toBe(0);
  });

  it('a wrong secret key fails each request with 14, class auth, and no retry or refresh', async () => {
    const before = { chat: sim.stats.chatRequests, tokens: sim.stats.tokenRequests };
    const result = await provider(iam('wrong-secret-key')).send(chat('hi', true));
    expect(result).toMatchObject({ ok: false, httpStatus: 200, error: { class: 'auth', code: 14, message: 'IAM Certification failed' } });
    expect(sim.stats.chatRequests - before.chat).toBe(1);
    expect(sim.stats.tokenRequests).toBe(before.tokens);
  });

  it('signs every request with the timestamp of its own second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-04T05:06:07.900Z'));
    const url = `${sim.url}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed`;
    const auth = iam();
    const first = await authorizeV1(auth, undefined, 'POST', url);
    vi.setSystemTime(new Date('2025-03-04T05:06:08.100Z'));
    const second = await authorizeV1(auth, undefined, 'POST', url);
    expect(first.headers['x-bce-date']).toBe('2025-03-04T05:06:07Z');
    expect(second.headers['x-bce-date']).toBe('2025-03-04T05:06:08Z');
    expect(parseBceAuthorization(second.headers.authorization!)?.timestamp).toBe('2025-03-04T05:06:08Z');
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
    expect(second.headers).toMatchObject({ 'content-type': 'application/json', host: new URL(sim.url).host });
    // What was signed is what is sent: the verifier accepts the returned set as it stands.
    const received = { method: 'POST', path: new URL(url).pathname, query: new URLSearchParams(), headers: second.headers };
    const at = Date.parse('2025-03-04T05:06:08Z');
    expect(verifyBceAuthorization(second.headers.authorization!, received, sim.credentials, at)).toEqual({ ok: true });
  });

  it('replaces caller-supplied credential headers instead of sending them twice', async () => {
    const authorized = await authorizeV1(iam(), undefined, 'POST', `${sim.url}/x`, {
      'Content-Type': 'application/json',
      Host: 'elsewhere',
      Authorization: 'x',
    });
    expect(Object.keys(authorized.headers).sort()).toEqual(['Content-Type', 'authorization', 'host', 'x-bce-date']);
  });

  it('keeps the token schemes in the query string', async () => {
    const token = await authorizeV1({ kind: 'access-token', accessToken: 'tok/en+1' }, undefined, 'POST', 'https://h.example/p?x=1');
    expect(token).toEqual({
      url: 'https://h.example/p?x=1&access_token=tok%2Fen%2B1',
      headers: { 'content-type': 'application/json' },
      accessToken: 'tok/en+1',
    });
    await expect(authorizeV1({ kind: 'oauth', credentials: { ak: 'a', sk: 'b' } }, undefined, 'POST', 'https://h.example/p')).rejects.toThrow(/token source/);
  });
});

describe('credentials from the environment', () => {
  it('prefers QIANFAN_AK+SK, then QIANFAN_ACCESS_KEY+SECRET_KEY, then QIANFAN_ACCESS_TOKEN', () => {
    const all = {
      QIANFAN_AK: 'api-key-1',
      QIANFAN_SK: 'api-secret-1',
      QIANFAN_ACCESS_KEY: 'iam-access-1',
      QIANFAN_SECRET_KEY: 'iam-secret-1',
      QIANFAN_ACCESS_TOKEN: 'token-1234',
    };
    expect(qianfanAuthFromEnv(all)).toEqual({ kind: 'oauth', credentials: { ak: 'api-key-1', sk: 'api-secret-1' } });
    expect(qianfanAuthFromEnv({ ...all, QIANFAN_AK: undefined, QIANFAN_SK: undefined })).toEqual({
      kind: 'iam',
      accessKey: 'iam-access-1',
      secretKey: 'iam-secret-1',
    });
    expect(qianfanAuthFromEnv({ QIANFAN_ACCESS_KEY: ' iam-access-2 ', QIANFAN_SECRET_KEY: 'iam-secret-2', QIANFAN_ACCESS_TOKEN: 'token-1234' })).toMatchObject({
      kind: 'iam',
      accessKey: 'iam-access-2',
    });
    expect(qianfanAuthFromEnv({ QIANFAN_ACCESS_TOKEN: 'token-1234' })).toEqual({ kind: 'access-token', accessToken: 'token-1234' });
  });

  it('registers the IAM keys as secrets', () => {
    qianfanAuthFromEnv({ QIANFAN_ACCESS_KEY: 'iam-access-redact-me', QIANFAN_SECRET_KEY: 'iam-secret-redact-me' });
    expect(redact('ak iam-access-redact-me sk iam-secret-redact-me')).toBe('ak *** sk ***');
  });

  it('refuses half a key pair and names all three ways when nothing is set', () => {
    expect(() => qianfanAuthFromEnv({ QIANFAN_ACCESS_KEY: 'iam-access-1' })).toThrow(
      /QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY go together; only QIANFAN_ACCESS_KEY/,
    );
    expect(() => qianfanAuthFromEnv({ QIANFAN_SECRET_KEY: 'iam-secret-1' })).toThrow(/only QIANFAN_SECRET_KEY is set/);
    expect(() => qianfanAuthFromEnv({})).toThrow(/QIANFAN_AK and QIANFAN_SK.*QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY.*QIANFAN_ACCESS_TOKEN.*--sim/);
  });

  it('says which variables to check, by scheme', () => {
    expect(credentialsHint(iam())).toContain('QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY');
    expect(credentialsHint({ kind: 'oauth', credentials: { ak: 'a', sk: 'b' } })).toContain('QIANFAN_AK and QIANFAN_SK');
  });
});

describe('AuthFailureTally', () => {
  const refused = { outcome: 'failed', errorCode: '14', errorMsg: 'IAM Certification failed', httpStatus: 200 };

  it('fails the run only when every answered request was refused for its credentials', () => {
    const tally = new AuthFailureTally();
    tally.record(refused);
    tally.record(refused);
    tally.record({ outcome: 'failed', errorCode: 'ECONNRESET', errorMsg: 'connection failed' }); // never answered
    const error = tally.failure('check QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY');
    expect(error?.kind).toBe('auth');
    expect(error?.message).toBe(
      'authentication failed: all 2 requests the server answered were refused with error_code 14 "IAM Certification failed"; check QIANFAN_ACCESS_KEY and ' +
        'QIANFAN_SECRET_KEY',
    );
    tally.record({ outcome: 'ok', httpStatus: 200 });
    expect(tally.failure('x')).toBeUndefined();
    expect(new AuthFailureTally().failure('x')).toBeUndefined();
  });

  it('classifies like the provider: codes 110/111/14, a bare 401, not a 500 or a throttle', () => {
    expect(isAuthRefusal({ outcome: 'failed', errorCode: '110', httpStatus: 200 })).toBe(true);
    expect(isAuthRefusal({ outcome: 'failed', errorCode: '401', httpStatus: 401 })).toBe(true);
    expect(isAuthRefusal({ outcome: 'failed', errorCode: '14', httpStatus: 500 })).toBe(false);
    expect(isAuthRefusal({ outcome: 'throttled', errorCode: '336501', httpStatus: 200 })).toBe(false);
    expect(isAuthRefusal({ outcome: 'failed', errorCode: '336501', httpStatus: 403 })).toBe(false);
  });
});
