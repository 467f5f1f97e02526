/**
 * A token endpoint whose answer is enormous (200 MB streamed, never a complete JSON object). The
 * token answer used to be read whole (`body.text()`): a 3 GB one hit a V8 fatal error. Now it is
 * read under --max-response-bytes (8 MiB by default): past it the socket is closed, every planned
 * request gets its `failed` row with `auth_token_too_large`, and the run exits 4.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { pour, runCliWithPeakRss, startHostileServer } from './hostile-server.js';
import { expectEveryRow, isTokenRequest, oauthEnv } from './token-endpoint.js';

/** What the server would pour if nobody hung up: bounded, so the test ends by itself. */
const SERVER_BUDGET = 200 * 1024 * 1024;
const PIECE = 'a'.repeat(64 * 1024);

describe('a token endpoint with a 200 MB body', () => {
  it('stops reading at the cap: exit 4, every planned row failed with auth_token_too_large, a bounded RSS', async () => {
    let chatRequests = 0;
    const server = await startHostileServer((req, res, sent) => {
      if (!isTokenRequest(req)) {
        chatRequests++;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"');
      void pour(res, PIECE, SERVER_BUDGET, sent);
    });
    const out = await tempDir();
    try {
      const run = await runCliWithPeakRss(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '4', '--out', out, '--quiet'], {
        env: oauthEnv(server.url),
      });
      expect(run.signal).toBeNull();
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('8388608 bytes');
      expect(run.stderr).not.toMatch(/heap out of memory|internal error/);
      await expectEveryRow(out, 4, 'failed', 'auth_token_too_large');
      expect(chatRequests).toBe(0);
      // The client hung up near the cap, long before the server's budget.
      await expect.poll(() => server.hungUp()).toBe(1);
      expect(server.bytesSent()).toBeLessThan(SERVER_BUDGET / 2);
      console.log(
        `200 MB token body, 8 MiB cap: server poured ${(server.bytesSent() / 2 ** 20).toFixed(1)} MiB, child peak ` +
          `RSS ${(run.peakRssBytes / 2 ** 20).toFixed(1)} MiB`,
      );
      if (run.peakRssBytes > 0) expect(run.peakRssBytes).toBeLessThan(400 * 1024 * 1024);
    } finally {
      await server.close();
    }
  }, 120_000);
});
