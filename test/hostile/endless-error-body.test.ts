/**
 * An HTTP 500 whose body never ends. The client used to buffer it whole (`body.text()`): 3.3 GB
 * RSS in 8 s, OOM-killed with 1 of 40 rows on disk and no summary. Now an error body is read
 * under --max-response-bytes: past it the request is `failed` / `response_too_large`, the socket
 * is closed (the server sees the hang-up long before its byte budget) and the run goes on.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { chat, isV2, pour, providers, requestRows, runCliWithPeakRss, startHostileServer } from './hostile-server.js';

/** What the server would send per answer if nobody hung up: far past any cap used here. */
const SERVER_BUDGET = 64 * 1024 * 1024;
const PIECE = `${'internal error, '.repeat(4095)}\n`; // 64 KiB

function endless500() {
  return startHostileServer((req, res, sent) => {
    res.writeHead(500, { 'content-type': isV2(req) ? 'application/json' : 'text/plain' });
    void pour(res, PIECE, SERVER_BUDGET, sent);
  });
}

describe('an HTTP 500 whose body never ends', () => {
  it('fails each request with response_too_large (v1 and v2, stream and sync) and closes the socket', async () => {
    const server = await endless500();
    const { agent, v1, v2 } = providers(server.url, 256 * 1024);
    try {
      for (const provider of [v1, v2]) {
        for (const stream of [true, false]) {
          const result = await provider.send(chat('hi', stream));
          expect(result.ok).toBe(false);
          expect(result.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
          expect(result.error?.message).toContain('262144 bytes');
          expect(result.httpStatus).toBe(500);
        }
      }
      expect(server.requests()).toBe(4);
      // Each answer was cut near the cap, not poured to the server's budget.
      expect(server.bytesSent()).toBeLessThan(4 * 16 * 1024 * 1024);
      await expect.poll(() => server.hungUp()).toBe(4);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('the real CLI at the default 8 MiB cap: 40 rows of response_too_large, a summary, and a bounded RSS', async () => {
    const server = await endless500();
    const out = await tempDir();
    try {
      const run = await runCliWithPeakRss(
        ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '40', '-c', '4', '--retries', '2', '--no-stream', '--out', out, '--quiet'],
        {
          env: { QIANFAN_BASE_URL: server.url, QIANFAN_ACCESS_TOKEN: 'hostile-test-token' },
        },
      );
      // No request succeeded: exit 4 with every file written, never a crash (1) or a signal.
      expect(run.signal).toBeNull();
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).not.toContain('heap out of memory');
      const rows = await requestRows(out);
      expect(rows).toHaveLength(40);
      for (const row of rows) {
        expect(row.outcome).toBe('failed');
        expect(row.error_code).toBe('response_too_large');
      }
      // `fatal`: one attempt each, no retry pours another 8 MiB.
      expect(server.requests()).toBe(40);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      console.log(`endless 500 body, 40 requests, -c 4, 8 MiB cap: child peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(1)} MiB`);
      if (run.peakRssBytes > 0) expect(run.peakRssBytes).toBeLessThan(400 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
