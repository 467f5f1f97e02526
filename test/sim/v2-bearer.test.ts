import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signRequest } from '../../src/qianfan/spec/bce-auth-v1.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { DEFAULT_BEARER_EXPIRE_SECONDS, IAM_BEARER_TOKEN_PATH } from '../../src/sim/v2-bearer.js';
import { sleep, type JsonAnswer } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, accessKey: 'iam-ak-bearer', secretKey: 'iam-sk-bearer' });
});
afterAll(() => sim.close());

interface MintOptions {
  query?: string;
  secretKey?: string;
  accessKey?: string;
  method?: string;
  /** Leave the Authorization header out. */
  unsigned?: boolean;
}

async function answerOf(response: Awaited<ReturnType<typeof request>>): Promise<JsonAnswer> {
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // kept in `text`
  }
  return { status: response.statusCode, headers: response.headers, contentType: String(response.headers['content-type'] ?? ''), text, json };
}

/** GET /v1/BCE-BEARER/token signed like the SDKs sign it (host;x-bce-date), with knobs to break it. */
async function mint(options: MintOptions = {}): Promise<JsonAnswer> {
  const method = options.method ?? 'GET';
  const query = new URLSearchParams(options.query ?? 'expireInSeconds=3600');
  const headers: Record<string, string> = { host: new URL(sim.url).host, 'x-bce-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  if (!options.unsigned) {
    headers.authorization = signRequest({
      method,
      path: IAM_BEARER_TOKEN_PATH,
      query,
      headers,
      accessKey: options.accessKey ?? sim.credentials.accessKey,
      secretKey: options.secretKey ?? sim.credentials.secretKey,
      timestamp: new Date(),
      expirationSeconds: 1800,
    }).authorization;
  }
  const search = query.toString();
  return answerOf(await request(`${sim.url}${IAM_BEARER_TOKEN_PATH}${search === '' ? '' : `?${search}`}`, { method, headers }));
}

async function chatWith(token: string): Promise<JsonAnswer> {
  const body = JSON.stringify({ model: 'ernie-speed-8k', messages: [{ role: 'user', content: 'hello' }] });
  return answerOf(
    await request(`${sim.url}/v2/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    }),
  );
}

describe('IAM bearer token: GET /v1/BCE-BEARER/token', () => {
  it('mints a bce-v3 token with createTime and expireTime expireInSeconds apart, which v2 chat accepts', { timeout: 10_000 }, async () => {
    const before = Date.now();
    const minted = await mint({ query: 'expireInSeconds=3600' });
    expect(minted.status).toBe(200);
    const body = minted.json as { userId: string; token: string; status: string; createTime: string; expireTime: string };
    expect(body.token).toMatch(/^bce-v3\/ALTAK-[A-Za-z0-9]+\/[0-9a-f]{40}$/);
    expect(body.status).toBe('enable');
    expect(body.userId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(body.expireTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(body.expireTime) - Date.parse(body.createTime)).toBe(3600_000);
    expect(Date.parse(body.createTime)).toBeGreaterThanOrEqual(before - 1);

    const answer = await chatWith(body.token);
    expect(answer.status).toBe(200);
    expect(answer.json.object).toBe('chat.completion');
    // The configured key still works beside minted ones; a made-up bce-v3 token does not.
    expect((await chatWith(sim.credentials.bearerToken)).status).toBe(200);
    const forged = await chatWith('bce-v3/ALTAK-forged/0000000000000000000000000000000000000000');
    expect(forged.status).toBe(401);
    expect(forged.json.error).toMatchObject({ code: 'invalid_iam_token', message: 'IAM Certification failed' });
  });

  it('v2 embeddings accept a minted token too', { timeout: 10_000 }, async () => {
    const { token } = (await mint()).json as { token: string };
    const body = JSON.stringify({ model: 'embedding-v1', input: 'hi' });
    const answer = await answerOf(
      await request(`${sim.url}/v2/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }),
    );
    expect(answer.status).toBe(200);
  });

  it('defaults to 86400 s without expireInSeconds, and each mint is a new token', { timeout: 10_000 }, async () => {
    const first = (await mint({ query: '' })).json as { token: string; createTime: string; expireTime: string };
    expect(Date.parse(first.expireTime) - Date.parse(first.createTime)).toBe(DEFAULT_BEARER_EXPIRE_SECONDS * 1000);
    const second = (await mint({ query: '' })).json as { token: string };
    expect(second.token).not.toBe(first.token);
  });

  it('a minted token stops working at its expireTime', { timeout: 10_000 }, async () => {
    const { token } = (await mint({ query: 'expireInSeconds=1' })).json as { token: string };
    expect((await chatWith(token)).status).toBe(200);
    await sleep(1_100);
    const expired = await chatWith(token);
    expect(expired.status).toBe(401);
    expect((expired.json.error as { code: string }).code).toBe('invalid_iam_token');
  });

  it('refuses unsigned, wrongly signed and malformed requests with BCE gateway errors', { timeout: 10_000 }, async () => {
    const refusal = (answer: JsonAnswer): [number, unknown, unknown] => [answer.status, answer.json.code, answer.headers['x-bce-error-code']];
    expect(refusal(await mint({ unsigned: true }))).toEqual([403, 'AccessDenied', 'AccessDenied']);
    const mismatch = await mint({ secretKey: 'not-the-secret' });
    expect(refusal(mismatch)).toEqual([403, 'SignatureDoesNotMatch', 'SignatureDoesNotMatch']);
    expect(mismatch.json.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(mismatch.json.token).toBeUndefined();
    expect(refusal(await mint({ accessKey: 'someone-else' }))).toEqual([403, 'InvalidAccessKeyId', 'InvalidAccessKeyId']);
    expect(refusal(await mint({ query: 'expireInSeconds=0' }))).toEqual([400, 'InvalidParameter', 'InvalidParameter']);
    expect(refusal(await mint({ query: 'expireInSeconds=1.5' }))).toEqual([400, 'InvalidParameter', 'InvalidParameter']);
    expect(refusal(await mint({ method: 'POST' }))).toEqual([405, 'MethodNotAllowed', 'MethodNotAllowed']);
  });

  it('a signature over other query parameters than those sent does not match', { timeout: 10_000 }, async () => {
    const headers: Record<string, string> = { host: new URL(sim.url).host };
    const authorization = signRequest({
      method: 'GET',
      path: IAM_BEARER_TOKEN_PATH,
      query: new URLSearchParams('expireInSeconds=60'),
      headers,
      accessKey: sim.credentials.accessKey,
      secretKey: sim.credentials.secretKey,
      timestamp: new Date(),
      expirationSeconds: 1800,
    }).authorization;
    const answer = await answerOf(await request(`${sim.url}${IAM_BEARER_TOKEN_PATH}?expireInSeconds=999999`, { headers: { ...headers, authorization } }));
    expect([answer.status, answer.json.code]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});
