/**
 * A server that throttles with an absurd or dated Retry-After. `Retry-After: 999999999` used to
 * overflow Node's timers: the adaptive limiter re-armed a 1 ms timer forever (thousands of
 * TimeoutOverflowWarnings, no end) and --no-adapt retried after 1 ms. Now the wait is capped to
 * the request's --total-timeout, and one longer than that is not waited for at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

type Style = 'v2-429' | 'v1-error-18';

interface Throttler {
  url: string;
  /** Every request the server saw: when (monotonic ms) and its body, to tell retries from new requests. */
  hits: { at: number; body: string }[];
  close(): Promise<void>;
}

async function startThrottler(style: Style, retryAfter: () => string): Promise<Throttler> {
  const hits: Throttler['hits'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ at: performance.now(), body: Buffer.concat(chunks).toString('utf8') });
      if (style === 'v2-429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter() });
        res.end(JSON.stringify({ error: { code: 'rate_limit_exceeded', type: 'rate_limit_exceeded', message: 'slow down' } }));
      } else {
        // v1 says "throttled" inside an HTTP 200.
        res.writeHead(200, { 'content-type': 'application/json', 'retry-after': retryAfter() });
        res.end(JSON.stringify({ error_code: 18, error_msg: 'Open api qps request limit reached' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real CLI against `server`: `requests` requests one at a time, --retries 2 unless `extra` says otherwise. */
function cliArgs(style: Style, server: Throttler, out: string, requests: number, extra: string[]): { args: string[]; env: Record<string, string> } {
  const retries = extra.includes('--retries') ? [] : ['--retries', '2'];
  const common = [
    'run',
    '-d',
    'datasets/demo.csv',
    '-m',
    'ernie-speed-8k',
    '--max-requests',
    String(requests),
    '-c',
    '1',
    ...retries,
    '--out',
    out,
    '--quiet',
    ...extra,
  ];
  if (style === 'v2-429')
    return { args: [...common, '--provider', 'openai', '--base-url', `${server.url}/v2`], env: { OPENAI_API_KEY: 'test-key-not-secret' } };
  return { args: common, env: { QIANFAN_BASE_URL: server.url, QIANFAN_ACCESS_TOKEN: 'test-token-not-secret' } };
}

async function requestRows(out: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

/** Hits grouped by request body: a body seen twice was retried. */
function hitsByBody(server: Throttler): Map<string, number[]> {
  const byBody = new Map<string, number[]>();
  for (const hit of server.hits) byBody.set(hit.body, [...(byBody.get(hit.body) ?? []), hit.at]);
  return byBody;
}

function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

describe('Retry-After beyond what a run allows', () => {
  for (const style of ['v2-429', 'v1-error-18'] as const) {
    for (const adapt of ['--adapt', '--no-adapt']) {
      it(`${style}, ${adapt}: Retry-After 999999999 ends by itself, without timer overflows or an early retry`, async () => {
        const server = await startThrottler(style, () => '999999999');
        try {
          const out = await tempDir();
          // --total-timeout 2: the limiter's hold after a throttle is capped to it, so three requests take a few seconds.
          const { args, env } = cliArgs(style, server, out, 3, [adapt, '--total-timeout', '2']);
          const result = await runCli(args, { env, timeoutMs: 60_000 });
          expect(result.stderr.match(/TimeoutOverflowWarning/g)?.length ?? 0).toBe(0);
          expect(result.signal).toBeNull();
          const rows = await requestRows(out);
          expect(rows).toHaveLength(3);
          for (const row of rows) {
            expect(row.outcome).toBe('throttled');
            expect(row.attempts).toBe('1');
            expect(row.error_msg).toContain('not retried');
            expect(row.error_msg).toContain('--total-timeout');
          }
          // No request was sent twice, so none was retried 1 ms after its throttle.
          const byBody = hitsByBody(server);
          expect(server.hits).toHaveLength(3);
          for (const times of byBody.values()) for (const at of times.slice(1)) expect(at - (times[0] as number)).toBeGreaterThanOrEqual(1000);
        } finally {
          await server.close();
        }
      }, 90_000);
    }
  }

  it('a Retry-After HTTP date in the future is waited for (server-side gap), within --total-timeout', async () => {
    // Two seconds ahead, rounded up to the date's whole seconds: the retry cannot come sooner than ~1 s later.
    const server = await startThrottler('v2-429', () => httpDate(Math.ceil((Date.now() + 2000) / 1000) * 1000));
    try {
      const out = await tempDir();
      const { args, env } = cliArgs('v2-429', server, out, 1, ['--no-adapt', '--total-timeout', '30', '--retries', '1']);
      const result = await runCli(args, { env, timeoutMs: 60_000 });
      expect(result.stderr.match(/TimeoutOverflowWarning/g)?.length ?? 0).toBe(0);
      const [times] = [...hitsByBody(server).values()];
      expect(times).toHaveLength(2);
      expect((times as number[])[1]! - (times as number[])[0]!).toBeGreaterThanOrEqual(1000);
      const [row] = await requestRows(out);
      expect(row?.attempts).toBe('2');
      expect(Number(row?.backoff_ms)).toBeGreaterThanOrEqual(1000);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('a Retry-After HTTP date in the past means retry now; one far in the future is not waited for', async () => {
    const past = await startThrottler('v1-error-18', () => 'Thu, 01 Jan 1970 00:00:00 GMT');
    const future = await startThrottler('v1-error-18', () => 'Fri, 31 Dec 9999 23:59:59 GMT');
    try {
      const [pastOut, futureOut] = [await tempDir(), await tempDir()];
      const pastRun = cliArgs('v1-error-18', past, pastOut, 1, ['--no-adapt']);
      const futureRun = cliArgs('v1-error-18', future, futureOut, 1, ['--adapt', '--total-timeout', '5']);
      const [a, b] = await Promise.all([runCli(pastRun.args, { env: pastRun.env }), runCli(futureRun.args, { env: futureRun.env })]);
      for (const result of [a, b]) expect(result.stderr.match(/TimeoutOverflowWarning/g)?.length ?? 0).toBe(0);
      // Past: every retry was sent (1 + --retries 2), the request ends throttled.
      expect(past.hits).toHaveLength(3);
      const [pastRow] = await requestRows(pastOut);
      expect(pastRow).toMatchObject({ outcome: 'throttled', attempts: '3' });
      // Far future: one attempt, throttled, with the reason.
      expect(future.hits).toHaveLength(1);
      const [futureRow] = await requestRows(futureOut);
      expect(futureRow).toMatchObject({ outcome: 'throttled', attempts: '1' });
      expect(futureRow?.error_msg).toContain('not retried');
    } finally {
      await Promise.all([past.close(), future.close()]);
    }
  }, 90_000);
});
