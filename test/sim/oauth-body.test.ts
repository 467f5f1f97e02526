/**
 * The OAuth token endpoint takes its credentials from the query string (the platform's curl
 * sample), a form body (its Python sample: `requests.post(url, data=params)`) or a JSON body,
 * reading a bounded body (qianfan-api.md §9).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { readBoundedBody } from '../../src/sim/bounded-body.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, userMessage, post } from './helpers.js';

let sim: RunningSimulator | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function tokenPost(url: string, body: string, contentType?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  const response = await request(url, { method: 'POST', headers, body });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const CREDENTIALS = { grant_type: 'client_credentials', client_id: 'sim-ak', client_secret: 'sim-sk' };

describe('OAuth credentials in the body', () => {
  it('accepts a form body like the platform Python sample, and the token works', async () => {
    sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
    const answer = await tokenPost(`${sim.url}/oauth/2.0/token`, form(CREDENTIALS), 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(200);
    expect(answer.json.access_token).toMatch(/^24\./);
    const chat = await post(chatUrl(sim, String(answer.json.access_token)), userMessage('hi'));
    expect(chat.json.result).toBeTypeOf('string');
  });

  it('accepts a form body with a charset and a JSON body', async () => {
    sim = await startSimulator();
    const withCharset = await tokenPost(`${sim.url}/oauth/2.0/token`, form(CREDENTIALS), 'application/x-www-form-urlencoded; charset=UTF-8');
    expect(withCharset.status).toBe(200);
    const json = await tokenPost(`${sim.url}/oauth/2.0/token`, JSON.stringify(CREDENTIALS), 'application/json');
    expect(json.status).toBe(200);
    expect(json.json.access_token).toMatch(/^24\./);
  });

  it('checks body credentials like query ones, and the query string wins per field', async () => {
    sim = await startSimulator();
    const url = `${sim.url}/oauth/2.0/token`;
    const wrongSecret = await tokenPost(url, form({ ...CREDENTIALS, client_secret: 'nope' }), 'application/x-www-form-urlencoded');
    expect(wrongSecret).toEqual({ status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    const unknown = await tokenPost(url, JSON.stringify({ ...CREDENTIALS, client_id: 'other' }), 'application/json');
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'unknown client id' });
    const numeric = await tokenPost(url, JSON.stringify({ ...CREDENTIALS, client_secret: 42 }), 'application/json');
    expect(numeric.json.error).toBe('invalid_client');
    const mixed = await tokenPost(
      `${url}?grant_type=client_credentials`,
      form({ client_id: 'sim-ak', client_secret: 'sim-sk' }),
      'application/x-www-form-urlencoded',
    );
    expect(mixed.status).toBe(200);
    const queryWins = await tokenPost(`${url}?client_secret=wrong`, form(CREDENTIALS), 'application/x-www-form-urlencoded');
    expect(queryWins.json.error_description).toBe('Client authentication failed');
    const garbage = await tokenPost(url, '{not json', 'application/json');
    expect(garbage.json.error).toBe('unsupported_grant_type');
  });

  it('refuses a body over the cap with invalid_request', async () => {
    sim = await startSimulator();
    const huge = form({ ...CREDENTIALS, padding: 'x'.repeat(100_000) });
    const answer = await tokenPost(`${sim.url}/oauth/2.0/token`, huge, 'application/x-www-form-urlencoded').catch((error: unknown) => ({
      status: 0,
      json: { error: String(error) },
    }));
    // The simulator answers before reading it all; a client that is still writing may see the reset instead.
    if (answer.status !== 0) expect(answer).toEqual({ status: 413, json: { error: 'invalid_request', error_description: 'request body too large' } });
    expect(sim.stats.tokenRequests).toBe(1);
  });
});

describe('readBoundedBody', () => {
  async function serve(handler: (text: Awaited<ReturnType<typeof readBoundedBody>>) => void, limits: { maxBytes: number; timeoutMs: number }): Promise<string> {
    server = createServer((req, res) => {
      void readBoundedBody(req, limits).then((read) => {
        handler(read);
        res.end(read.kind);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('reads a body within the cap, refuses one past it and gives up on a body that never ends', async () => {
    const seen: string[] = [];
    const url = await serve((read) => seen.push(read.kind === 'ok' ? `ok:${read.text}` : read.kind), { maxBytes: 10, timeoutMs: 100 });
    expect(await (await request(url, { method: 'POST', body: 'héllo' })).body.text()).toBe('ok');
    expect(await (await request(url, { method: 'POST', body: 'x'.repeat(11) })).body.text()).toBe('tooLarge');
    // A body that starts and never finishes: the reader stops waiting.
    const endless = await request(url, {
      method: 'POST',
      body: Readable.from(
        (async function* () {
          yield 'a';
          await new Promise((resolve) => setTimeout(resolve, 400));
          yield 'b';
        })(),
      ),
    }).then(
      async (response) => response.body.text(),
      () => 'reset',
    );
    expect(['timeout', 'reset']).toContain(endless);
    expect(seen).toEqual(['ok:héllo', 'tooLarge', 'timeout']);
  });
});
