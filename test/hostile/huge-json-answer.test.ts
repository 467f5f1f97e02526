/**
 * A 50 MB sync JSON answer: it used to be kept whole (and a 3 GB tokenizer answer hit a V8 fatal
 * error). Now every buffered body (chat and embedding answers, tokenizer answers) is read under
 * --max-response-bytes: `response_too_large`, the socket closed long before the server is done.
 * The flag itself is checked before any request.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createServerTokenizer } from '../../src/providers/qianfan/tokenizer.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { chat, isV2, pour, providers, startHostileServer } from './hostile-server.js';

const ANSWER_BYTES = 50 * 1024 * 1024;
const PIECE = 'z'.repeat(64 * 1024);

/** A well-formed JSON answer of 50 MB: the text field is the bulk. */
function hugeAnswer() {
  return startHostileServer(async (req, res, sent) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const v2 = isV2(req);
    res.write(
      v2
        ? '{"id":"c","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"'
        : '{"id":"as-1","object":"chat.completion","result":"',
    );
    await pour(res, PIECE, ANSWER_BYTES, sent, { end: false });
    if (!res.destroyed)
      res.end(
        v2
          ? '"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}'
          : '","is_end":true,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}',
      );
  });
}

describe('a 50 MB sync JSON answer', () => {
  it('fails v1 and v2 (chat and embeddings) with response_too_large at a 1 MiB cap', async () => {
    const server = await hugeAnswer();
    const { agent, v1, v2 } = providers(server.url, 1024 * 1024);
    try {
      for (const provider of [v1, v2]) {
        for (const api of ['chat', 'embeddings'] as const) {
          const result = await provider.send(chat('short question', false, { api }));
          expect(result.ok).toBe(false);
          expect(result.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
          expect(result.output).toBe('');
        }
      }
      await expect.poll(() => server.hungUp()).toBe(4);
      expect(server.bytesSent()).toBeLessThan(4 * 8 * 1024 * 1024);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('fails at the default 8 MiB cap too, and an answer below the cap is read whole', async () => {
    const server = await hugeAnswer();
    const { agent, v2 } = providers(server.url);
    try {
      const result = await v2.send(chat('short question', false));
      expect(result.error).toMatchObject({ code: 'response_too_large' });
      expect(result.error?.message).toContain('8388608 bytes');
    } finally {
      await agent.close();
      await server.close();
    }
    const fair = await startHostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'a'.repeat(7 * 1024 * 1024) } }] }));
    });
    const fairProviders = providers(fair.url);
    try {
      const result = await fairProviders.v2.send(chat('short question', false));
      expect(result.ok).toBe(true);
      expect(result.output).toHaveLength(7 * 1024 * 1024);
    } finally {
      await fairProviders.agent.close();
      await fair.close();
    }
  });

  it('the tokenizer endpoint: a huge answer is a one-line error naming the cap, not a fatal V8 error', async () => {
    const server = await startHostileServer((_req, res, sent) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"usage":{"prompt_tokens":3},"pad":"');
      void pour(res, PIECE, ANSWER_BYTES, sent);
    });
    const { agent } = providers(server.url);
    try {
      const tokenizer = createServerTokenizer({
        baseUrl: server.url,
        auth: { kind: 'access-token', accessToken: 'hostile-test-token' },
        dispatcher: agent,
        timeouts: DEFAULT_TIMEOUTS,
        maxResponseBytes: 256 * 1024,
      });
      await expect(tokenizer.count('some text')).rejects.toMatchObject({ name: 'UserError', message: expect.stringContaining('response_too_large') });
      await expect.poll(() => server.hungUp()).toBe(1);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('--max-response-bytes must be a positive whole number: refused before any request, naming the flag', async () => {
    const server = await hugeAnswer();
    try {
      for (const value of ['0', '-5', '1.5', 'lots']) {
        const out = await tempDir();
        const run = await runCli(
          ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '2', '--max-response-bytes', value, '--out', out, '--quiet'],
          {
            env: { QIANFAN_BASE_URL: server.url, QIANFAN_ACCESS_TOKEN: 'hostile-test-token' },
          },
        );
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('--max-response-bytes');
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      expect(server.requests()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
