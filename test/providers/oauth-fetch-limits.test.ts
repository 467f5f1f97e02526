/**
 * fetchAccessToken as a library call: bounded by its own timeouts (defaults when none are given)
 * and its byte cap, stopped by its signal, and the fetched token registered as a secret at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { DEFAULT_TOKEN_FETCH_TIMEOUTS, fetchAccessToken, TokenFetchError } from '../../src/providers/qianfan/oauth.js';
import { redact } from '../../src/util/redact.js';

const credentials = { ak: 'lib-ak-0123456789', sk: 'lib-sk-9876543210' };
let server: Server | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  agent = undefined;
});

/** A token endpoint that sends headers, then one byte every 100 ms, never finishing (until the client goes). */
async function trickle(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  agent = new Agent();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fetchAccessToken limits', () => {
  it('has finite default timeouts for library callers', () => {
    for (const ms of Object.values(DEFAULT_TOKEN_FETCH_TIMEOUTS)) expect(Number.isFinite(ms) && ms > 0).toBe(true);
  });

  it('ends a trickling answer at the total timeout with auth_token_timeout', async () => {
    const url = await trickle();
    const error = await fetchAccessToken(url, credentials, agent!, { timeouts: { totalMs: 300 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenFetchError);
    expect(error).toMatchObject({ kind: 'auth', code: 'auth_token_timeout' });
    expect((error as Error).message).toContain('timeout (total)');
  });

  it('ends a fetch that gets no headers at the first-byte timeout', async () => {
    server = createServer(() => {
      // Never answers; the client's timeout ends the exchange.
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    agent = new Agent();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const error = await fetchAccessToken(url, credentials, agent, { timeouts: { firstByteMs: 200 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', code: 'auth_token_timeout' });
    expect((error as Error).message).toMatch(/timeout \((first byte|connect \+ first byte)\)/);
  });

  it('stops when its signal fires, as an `aborted` user error', async () => {
    const url = await trickle();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await fetchAccessToken(url, credentials, agent!, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ kind: 'aborted' });
  });

  it('caps the body and registers the token the moment it arrives', async () => {
    server = createServer((req, res) => {
      const big = (req.url ?? '').includes('client_id=big');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(big ? `{"access_token":"${'a'.repeat(4096)}"}` : '{"access_token":"lib-fetched-token-abcdef"}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    agent = new Agent();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(fetchAccessToken(url, { ak: 'big-ak-0123456', sk: 'big-sk-0123456' }, agent, { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'auth_token_too_large',
    });
    const grant = await fetchAccessToken(url, credentials, agent);
    expect(grant.accessToken).toBe('lib-fetched-token-abcdef');
    expect(redact('echo lib-fetched-token-abcdef')).toBe('echo ***');
  });
});
