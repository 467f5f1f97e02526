/**
 * A token endpoint that trickles its answer one byte a second. The token fetch used to have no
 * total timeout (each byte resets the idle timer), so the run hung forever and two Ctrl-Cs did
 * not stop it. Now the fetch ends at --total-timeout, and the first Ctrl-C stops it; either way
 * every planned request gets its row and the summaries are written.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startHostileServer, type HostileServer } from './hostile-server.js';
import { expectEveryRow, isTokenRequest, oauthEnv } from './token-endpoint.js';
import { runSummary } from './hostile-server.js';

/** Answers the token request one byte per second (bounded: it gives up after a minute); counts chat requests. */
async function tricklingTokenEndpoint(): Promise<HostileServer & { tokenRequests(): number; chatRequests(): number }> {
  let tokenRequests = 0;
  let chatRequests = 0;
  const server = await startHostileServer((req, res, sent) => {
    if (!isTokenRequest(req)) {
      chatRequests++;
      res.writeHead(500).end();
      return;
    }
    tokenRequests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    const body = `{"access_token":"${'t'.repeat(58)}"}`;
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= body.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(body[at++]);
      sent(1);
    }, 1000);
    res.on('close', () => clearInterval(timer));
  });
  return Object.assign(server, { tokenRequests: () => tokenRequests, chatRequests: () => chatRequests });
}

describe('a token endpoint that trickles one byte a second', () => {
  it('ends the run at --total-timeout: exit 4, one line naming the timeout, every planned row failed (a two-stage sweep)', async () => {
    const server = await tricklingTokenEndpoint();
    const out = await tempDir();
    try {
      const run = await runCli(
        ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '5', '-c', '1,2', '--total-timeout', '2', '--out', out],
        {
          env: oauthEnv(server.url),
          timeoutMs: 60_000,
        },
      );
      expect(run.signal).toBeNull();
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/error: run aborted: could not fetch an access token from .*timeout \(total\)/);
      expect(run.stderr).not.toContain('internal error');
      // Two stages of --max-requests 5 each: ten rows, none of them sent.
      await expectEveryRow(out, 10, 'failed', 'auth_token_timeout');
      const summary = await runSummary(out);
      expect(summary.stages?.map((stage) => stage.planned)).toEqual([5, 5]);
      expect(summary.cells.reduce((sum, cell) => sum + (cell.outcomes.failed ?? 0), 0)).toBe(10);
      expect(server.chatRequests()).toBe(0);
      // The fetch was given up after about two seconds, not read to its end.
      expect(server.bytesSent()).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('the first Ctrl-C stops the fetch: exit 130, every planned row cancelled, the summaries written', async () => {
    const server = await tricklingTokenEndpoint();
    const out = await tempDir();
    let interrupted = false;
    try {
      const run = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '6', '--out', out], {
        env: oauthEnv(server.url),
        timeoutMs: 60_000,
        onSpawn: (child) => {
          // Interrupt once the token request is being trickled (the default --total-timeout is 600 s).
          const poll = setInterval(() => {
            if (server.bytesSent() >= 1) {
              clearInterval(poll);
              interrupted = true;
              child.kill('SIGINT');
            }
          }, 50);
          child.on('close', () => clearInterval(poll));
        },
      });
      expect(interrupted).toBe(true);
      expect(run.signal).toBeNull();
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('interrupted');
      await expectEveryRow(out, 6, 'cancelled');
      expect((await runSummary(out)).run.interrupted).toBe(true);
      expect(server.tokenRequests()).toBe(1);
      expect(server.chatRequests()).toBe(0);
    } finally {
      await server.close();
    }
  }, 120_000);
});
