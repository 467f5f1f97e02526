import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { authorizeV1 } from '../../src/providers/qianfan/auth.js';
import { signRequest } from '../../src/qianfan/spec/bce-auth-v1.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { parseBceAuthorization, verifyBceAuthorization } from '../../src/sim/signature.js';
import { CHAT_PATH, TOKENIZER_PATH, userMessage } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0, jitter: 0, accessKey: 'iam-ak-for-tests', secretKey: 'iam-sk-for-tests' });
});
afterAll(async () => sim.close());

const CHAT = `${CHAT_PATH}/ernie_speed`;
const BODY = JSON.stringify(userMessage('hello'));

interface Signing {
  path?: string;
  query?: string;
  secretKey?: string;
  accessKey?: string;
  at?: number;
  expirationSeconds?: number;
}

/** Headers for a POST signed like the client signs (content-type;host;x-bce-date), with knobs to break it. */
function signedHeaders(options: Signing = {}): Record<string, string> {
  const at = options.at ?? Date.now();
  const date = new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const headers: Record<string, string> = { 'content-type': 'application/json', host: new URL(sim.url).host, 'x-bce-date': date };
  const signed = signRequest({
    method: 'POST',
    path: options.path ?? CHAT,
    query: new URLSearchParams(options.query ?? ''),
    headers,
    accessKey: options.accessKey ?? sim.credentials.accessKey,
    secretKey: options.secretKey ?? sim.credentials.secretKey,
    timestamp: new Date(at),
    expirationSeconds: options.expirationSeconds ?? 1800,
    headersToSign: ['host', 'content-type', 'x-bce-date'],
  });
  return { ...headers, authorization: signed.authorization };
}

async function send(headers: Record<string, string>, path = CHAT, body = BODY): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await request(`${sim.url}${path}`, { method: 'POST', headers, body });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

const IAM_FAILED = { error_code: 14, error_msg: 'IAM Certification failed' };

describe('bce-auth-v1 on the simulator', () => {
  it('exposes its IAM key pair, with defaults', async () => {
    expect(sim.credentials).toMatchObject({ accessKey: 'iam-ak-for-tests', secretKey: 'iam-sk-for-tests' });
    const plain = await startSimulator();
    expect(plain.credentials).toMatchObject({ accessKey: 'sim-access-key', secretKey: 'sim-secret-key' });
    await plain.close();
  });

  it('accepts a request signed by the client helper, without any token', async () => {
    const tokenRequests = sim.stats.tokenRequests;
    const auth = { kind: 'iam' as const, accessKey: sim.credentials.accessKey, secretKey: sim.credentials.secretKey };
    const authorized = await authorizeV1(auth, undefined, 'POST', `${sim.url}${CHAT}`);
    expect(authorized.url).toBe(`${sim.url}${CHAT}`);
    expect(authorized.headers.authorization).toMatch(
      /^bce-auth-v1\/iam-ak-for-tests\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/1800\/content-type;host;x-bce-date\/[0-9a-f]{64}$/,
    );
    const answer = await send(authorized.headers);
    expect(answer.status).toBe(200);
    expect(answer.json.result).toBeTypeOf('string');
    expect(sim.stats.tokenRequests).toBe(tokenRequests);
  });

  it('reads the signed-header list from the header, in any order', async () => {
    const headers = signedHeaders();
    headers.authorization = headers.authorization!.replace('/content-type;host;x-bce-date/', '/x-bce-date;host;content-type/');
    expect(headers.authorization).toContain('/x-bce-date;host;content-type/');
    const answer = await send(headers);
    expect(answer.json.error_code).toBeUndefined();
    expect(answer.json.result).toBeTypeOf('string');
  });

  it('checks only the listed headers: an unsigned x-bce-* header added later does not matter', async () => {
    const answer = await send({ ...signedHeaders(), 'x-bce-request-id': 'added-after-signing' });
    expect(answer.json.result).toBeTypeOf('string');
  });

  it('signs the query string too', async () => {
    const headers = signedHeaders({ query: 'user=a b&x=1' });
    expect((await send(headers, `${CHAT}?user=a%20b&x=1`)).json.result).toBeTypeOf('string');
    expect((await send(headers, `${CHAT}?user=a%20b&x=2`)).json).toMatchObject(IAM_FAILED);
  });

  it('works on the tokenizer endpoint as well', async () => {
    const headers = signedHeaders({ path: TOKENIZER_PATH });
    const answer = await send(headers, TOKENIZER_PATH, JSON.stringify({ prompt: 'hello world', model: 'ernie-speed-8k' }));
    expect(answer.json.object).toBe('tokenizer.erniebot');
  });

  it('answers 14 with HTTP 200 for a wrong secret key', async () => {
    const answer = await send(signedHeaders({ secretKey: 'not-the-secret' }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject(IAM_FAILED);
  });

  it('answers 14 for an unknown access key', async () => {
    expect((await send(signedHeaders({ accessKey: 'someone-else' }))).json).toMatchObject(IAM_FAILED);
  });

  it('answers 14 when a signed header changed after signing (content-type)', async () => {
    const headers = { ...signedHeaders(), 'content-type': 'text/plain' };
    expect((await send(headers)).json).toMatchObject(IAM_FAILED);
  });

  it('answers 14 when a signed header is dropped or the path differs', async () => {
    const dropped = signedHeaders();
    delete dropped['x-bce-date'];
    expect((await send(dropped)).json).toMatchObject(IAM_FAILED);
    expect((await send(signedHeaders(), `${CHAT_PATH}/ernie-lite-8k`)).json).toMatchObject(IAM_FAILED);
  });

  it('answers 14 for an expired signature and one dated too far ahead; accepts one inside the window', async () => {
    const nowMs = Date.now();
    expect((await send(signedHeaders({ at: nowMs - 1801_000 }))).json).toMatchObject(IAM_FAILED);
    expect((await send(signedHeaders({ at: nowMs - 120_000, expirationSeconds: 60 }))).json).toMatchObject(IAM_FAILED);
    expect((await send(signedHeaders({ at: nowMs + 6 * 60_000 }))).json).toMatchObject(IAM_FAILED);
    expect((await send(signedHeaders({ at: nowMs - 1700_000 }))).json.result).toBeTypeOf('string');
    expect((await send(signedHeaders({ at: nowMs + 60_000 }))).json.result).toBeTypeOf('string');
  });

  it('answers 14 for a malformed Authorization header', async () => {
    const headers = signedHeaders();
    for (const authorization of [
      headers.authorization!.replace(/\/[0-9a-f]{64}$/, '/xyz'),
      headers.authorization!.replace('/1800/', '/0/'),
      headers.authorization!.replace(/\d{4}-\d\d-\d\dT/, '2024-02-30T'),
      `${headers.authorization!}/extra`,
      'bce-auth-v1/only-an-ak',
    ]) {
      expect((await send({ ...headers, authorization })).json).toMatchObject(IAM_FAILED);
    }
  });
});

describe('verifyBceAuthorization (pure)', () => {
  const credentials = { accessKey: 'ak', secretKey: 'sk' };
  const at = Date.parse('2024-01-01T00:00:00Z');
  const headers = { host: 'example.test', 'content-type': 'application/json', 'x-bce-date': '2024-01-01T00:00:00Z' };
  const authorization = signRequest({ method: 'POST', path: '/p', headers, ...credentials, timestamp: new Date(at), expirationSeconds: 300 }).authorization;
  const received = { method: 'POST', path: '/p', query: new URLSearchParams(), headers };

  it('parses the header fields', () => {
    expect(parseBceAuthorization(authorization)).toMatchObject({
      accessKey: 'ak',
      timestamp: '2024-01-01T00:00:00Z',
      timestampMs: at,
      expirationSeconds: 300,
      signedHeaders: ['content-type', 'host', 'x-bce-date'],
    });
  });

  it('accepts up to the end of the window and says why it refuses', () => {
    expect(verifyBceAuthorization(authorization, received, credentials, at + 300_000)).toEqual({ ok: true });
    expect(verifyBceAuthorization(authorization, received, credentials, at + 300_001)).toEqual({ ok: false, reason: 'signature expired' });
    expect(verifyBceAuthorization(authorization, received, credentials, at - 300_001)).toEqual({ ok: false, reason: 'timestamp in the future' });
    expect(verifyBceAuthorization(authorization, { ...received, method: 'PUT' }, credentials, at)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyBceAuthorization(authorization, received, { ...credentials, accessKey: 'other' }, at)).toEqual({ ok: false, reason: 'unknown access key' });
  });
});
