/**
 * A token endpoint that refuses or fails. A failed token fetch used to end the run with a
 * header-only requests.csv; now every planned request has its `failed` row with the reason (the
 * OAuth error as its code when the server gave one), the summaries are written, and the run exits 4.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startHostileServer } from './hostile-server.js';
import { expectEveryRow, isTokenRequest, oauthEnv } from './token-endpoint.js';
import { runSummary } from './hostile-server.js';

const RUN = ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--repeat', '2', '--no-stream'];

describe('a token endpoint that errors', () => {
  it('an OAuth refusal: every planned row failed with the OAuth error as its code, exit 4', async () => {
    let chatRequests = 0;
    const server = await startHostileServer((req, res) => {
      if (!isTokenRequest(req)) {
        chatRequests++;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client id' }));
    });
    const out = await tempDir();
    try {
      const run = await runCli([...RUN, '--out', out], { env: oauthEnv(server.url) });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/run aborted: .*invalid_client \(unknown client id\)/);
      // demo.csv has 12 rows; --repeat 2.
      const rows = await expectEveryRow(out, 24, 'failed', 'invalid_client');
      expect(rows[0]?.error_msg).toContain('check QIANFAN_AK and QIANFAN_SK');
      const summary = await runSummary(out);
      expect(summary.cells[0]?.outcomes.failed).toBe(24);
      expect(chatRequests).toBe(0);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('an HTTP 502 with a non-JSON body, and a closed port: rows failed with auth_token_failed, exit 4', async () => {
    const server = await startHostileServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    });
    const closed = await startHostileServer((_req, res) => void res.end());
    const closedUrl = closed.url;
    await closed.close();
    try {
      for (const [url, reason] of [
        [server.url, /HTTP 502 with a body that is not a JSON object: <html>bad gateway<\/html>/],
        [closedUrl, /could not reach .*ECONNREFUSED/],
      ] as const) {
        const out = await tempDir();
        const run = await runCli([...RUN, '--max-requests', '3', '--out', out], { env: oauthEnv(url) });
        expect(run.code).toBe(4);
        expect(run.stderr).toMatch(reason);
        const rows = await expectEveryRow(out, 3, 'failed', 'auth_token_failed');
        expect(rows[0]?.error_msg).toMatch(reason);
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
