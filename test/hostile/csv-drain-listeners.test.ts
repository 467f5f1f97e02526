/**
 * A server that answers at once, so 64 request slots finish faster than requests.csv reaches the
 * disk: every slot then waits for the file to drain. A 'drain' listener per waiting request used
 * to print MaxListenersExceededWarning; one shared wait does not.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const REQUESTS = 3000;
/** A few KB of answer per request, so rows outpace the file. */
const ANSWER = JSON.stringify({
  id: 'chatcmpl-fast',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'fast answer. '.repeat(300) }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 900, total_tokens: 920 },
});

async function startFastServer(): Promise<{ url: string; count: () => number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('requests.csv under a fast server at -c 64', () => {
  it(`${REQUESTS} requests print no MaxListenersExceededWarning and every row is written`, async () => {
    const server = await startFastServer();
    try {
      const out = await tempDir();
      const result = await runCli(
        [
          'run',
          '--provider',
          'openai',
          '--base-url',
          `${server.url}/v2`,
          '-d',
          'datasets/demo.csv',
          '-m',
          'ernie-speed-8k',
          '--no-stream',
          '--no-adapt',
          '-c',
          '64',
          '--max-requests',
          String(REQUESTS),
          '--retries',
          '0',
          '--out',
          out,
          '--quiet',
        ],
        { env: { OPENAI_API_KEY: 'test-key-not-secret' }, timeoutMs: 110_000 },
      );
      expect(result.stderr.match(/MaxListenersExceededWarning/g)?.length ?? 0).toBe(0);
      expect(result.code, result.stderr).toBe(0);
      expect(server.count()).toBe(REQUESTS);
      const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(REQUESTS);
      expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
    } finally {
      await server.close();
    }
  }, 120_000);
});
