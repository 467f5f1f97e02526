/**
 * A server whose error messages carry terminal control sequences: clear-screen and cursor moves
 * (CSI), a window-title OSC, a bell, a C1 CSI, a carriage return and a bidi override. They used to
 * reach the terminal raw through the logger and the CLI's error line. Now every such character is
 * shown as a visible escape (`\x1b`, `\u202e`) on stdout and stderr; the files keep the text.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startHostileServer } from './hostile-server.js';
import { isTokenRequest, oauthEnv } from './token-endpoint.js';

const HOSTILE = 'boom \u001b[2J\u001b[H\u0007 \u001b]0;pwned\u0007 \u009b31m red \r overwritten \u202eevil\u202c \u0000 end';
/** Raw control characters that must never reach a terminal (the newline and tab of our own lines aside). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('a server that sends ANSI escapes and control characters in its messages', () => {
  it('chat errors (v1 and v2) and an OAuth refusal: stdout and stderr hold no raw control character', async () => {
    const server = await startHostileServer((req, res) => {
      if (isTokenRequest(req)) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'ansi-test-token-0123456789' }));
        return;
      }
      if ((req.url ?? '').startsWith('/v2/')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'invalid_request', message: HOSTILE } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 336003, error_msg: HOSTILE }));
    });
    const refusing = await startHostileServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client', error_description: HOSTILE }));
    });
    try {
      const runs = [
        { args: [], env: oauthEnv(server.url) },
        { args: ['--provider', 'openai', '--api-key', 'ansi-test-key-0123456789', '--base-url', `${server.url}/v2`], env: { CI: 'true' } },
        { args: [], env: oauthEnv(refusing.url) },
      ];
      for (const run of runs) {
        const out = await tempDir();
        const result = await runCli(
          ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '3', '--retries', '0', '--no-stream', '--out', out, ...run.args],
          { env: run.env },
        );
        // Every request failed: the run says why, on stderr, with the escapes made visible.
        expect(result.code).toBe(4);
        expect(result.stderr).toContain('\\x1b[2J');
        expect(result.stdout).not.toMatch(RAW);
        expect(result.stderr).not.toMatch(RAW);
      }
    } finally {
      await server.close();
      await refusing.close();
    }
  }, 120_000);

  it("the CLI's one-line error keeps a control sequence in a user's input inert too", async () => {
    const result = await runCli(['run', '--sim', '-d', 'no-such-\u001b[2J\u0007-file.csv', '-m', 'ernie-speed-8k', '--out', await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-\\x1b[2J\\x07-file.csv');
    expect(result.stderr).not.toMatch(RAW);
  }, 120_000);
});
