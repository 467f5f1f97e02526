/**
 * Token counts no answer can have: 2^53, -1, 1e300, "12", 1.5, a total below its parts, or a
 * completion count far beyond what the answer's text holds. 2^53 used to crash the run (exit 1)
 * inside the histogram. Now usage from a server (sync body or stream chunk, v1 or v2) and from a
 * recording is validated: an absurd count fails that request with `invalid_usage` and a reason,
 * and never reaches the limiter or a histogram.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createServerTokenizer } from '../../src/providers/qianfan/tokenizer.js';
import { writeRecording, requestKey } from '../../src/providers/replay/recording.js';
import { createReplayProvider } from '../../src/providers/replay/replay-provider.js';
import { tempDir } from '../helpers/cli.js';
import { chat, isV2, providers, requestRows, runCliWithPeakRss, startHostileServer } from './hostile-server.js';

/** Raw usage objects (JSON text, so 2^53 and 1e300 go over the wire as such) and what must be named. */
const ABSURD: Array<{ usage: string; names: string }> = [
  { usage: '{"prompt_tokens":3,"completion_tokens":9007199254740992,"total_tokens":9007199254740995}', names: 'completion_tokens' },
  { usage: '{"prompt_tokens":-1,"completion_tokens":2,"total_tokens":1}', names: 'prompt_tokens' },
  { usage: '{"prompt_tokens":3,"completion_tokens":1e300,"total_tokens":1e300}', names: 'completion_tokens' },
  { usage: '{"prompt_tokens":"12","completion_tokens":2,"total_tokens":14}', names: 'prompt_tokens' },
  { usage: '{"prompt_tokens":3,"completion_tokens":1.5,"total_tokens":4.5}', names: 'completion_tokens' },
  { usage: '{"prompt_tokens":30,"completion_tokens":20,"total_tokens":7}', names: 'total_tokens' },
  // Well-formed, but a two-word answer cannot have taken a billion tokens.
  { usage: '{"prompt_tokens":3,"completion_tokens":1000000000,"total_tokens":1000000003}', names: 'completion_tokens' },
];

function caseOf(body: string): number {
  return Number(/case=(\d+)/.exec(body)?.[1] ?? 0);
}

function absurdServer() {
  return startHostileServer((req, res) => {
    const usage = ABSURD[caseOf(req.body)]?.usage ?? 'null';
    const stream = (JSON.parse(req.body) as { stream?: boolean }).stream === true;
    if (isV2(req)) {
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Two words"}}]}\n\n` +
            `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n` +
            `data: {"choices":[],"usage":${usage}}\n\ndata: [DONE]\n\n`,
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Two words"}}],"usage":${usage}}`);
      }
      return;
    }
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: {"sentence_id":0,"is_end":false,"result":"Two "}\n\ndata: {"sentence_id":1,"is_end":true,"result":"words","usage":${usage}}\n\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"result":"Two words","is_end":true,"usage":${usage}}`);
    }
  });
}

describe('absurd token counts', () => {
  it('fail the request with invalid_usage, naming the field, in sync and stream answers of v1 and v2', async () => {
    const server = await absurdServer();
    const { agent, v1, v2 } = providers(server.url);
    try {
      for (const [index, absurd] of ABSURD.entries()) {
        for (const provider of [v1, v2]) {
          for (const stream of [false, true]) {
            const result = await provider.send(chat(`case=${index}`, stream));
            const where = `${provider.name} ${stream ? 'stream' : 'sync'} ${absurd.usage}`;
            expect(result.ok, where).toBe(false);
            expect(result.error, where).toMatchObject({ class: 'fatal', code: 'invalid_usage' });
            expect(result.error?.message, where).toContain(absurd.names);
            // Never handed on: not to the limiter, not to a histogram.
            expect(result.usage, where).toBeUndefined();
          }
        }
      }
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('the tokenizer endpoint answering prompt_tokens 2^53 is a one-line error, not a count', async () => {
    const server = await startHostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"usage":{"prompt_tokens":9007199254740992}}');
    });
    const { agent } = providers(server.url);
    try {
      const tokenizer = createServerTokenizer({
        baseUrl: server.url,
        auth: { kind: 'access-token', accessToken: 'hostile-test-token' },
        dispatcher: agent,
        timeouts: DEFAULT_TIMEOUTS,
      });
      await expect(tokenizer.count('three words here')).rejects.toMatchObject({
        name: 'UserError',
        message: expect.stringContaining('impossible usage.prompt_tokens'),
      });
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('a recording with usage 2^53 fails that replayed request with invalid_usage', async () => {
    const dir = await tempDir();
    const request = chat('replayed question', false);
    const key = requestKey('qianfan', request);
    await writeRecording(dir, { provider: 'qianfan', simulated: false, recordedAt: new Date(0).toISOString() }, [
      {
        key,
        rowId: 'r1',
        model: request.model,
        repeat: 0,
        request,
        answer: { output: 'Two words', usage: { promptTokens: 3, completionTokens: 2 ** 53, totalTokens: 2 ** 53 + 3 } },
      },
    ]);
    const replay = createReplayProvider({ dir, provider: 'qianfan' });
    await replay.preflight();
    const result = await replay.send(request);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'invalid_usage' });
    expect(result.error?.message).toContain('completionTokens');
    expect(result.usage).toBeUndefined();
  });

  it('the real CLI: usage 2^53 on every answer is a failed row each, a summary, never exit 1', async () => {
    const server = await startHostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Two ` +
          `words"}}],"usage":{"prompt_tokens":9007199254740992,"completion_tokens":2,"total_tokens":9007199254740994}}`,
      );
    });
    const out = await tempDir();
    try {
      const run = await runCliWithPeakRss(
        [
          'run',
          '-d',
          'datasets/demo.csv',
          '-m',
          'ernie-speed-8k',
          '--provider',
          'openai',
          '--base-url',
          `${server.url}/v2`,
          '--no-stream',
          '--max-requests',
          '6',
          '-c',
          '2',
          '--out',
          out,
          '--quiet',
        ],
        {
          env: { OPENAI_API_KEY: 'hostile-test-key' },
        },
      );
      expect(run.signal).toBeNull();
      expect(run.code, run.stderr).toBe(4);
      const rows = await requestRows(out);
      expect(rows).toHaveLength(6);
      for (const row of rows) {
        expect(row.outcome).toBe('failed');
        expect(row.error_code).toBe('invalid_usage');
        expect(row.prompt_tokens ?? '').toBe('');
      }
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      // The count shows in the error message, never in a token total.
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { cost?: { tokens?: { prompt?: number } } };
      expect(summary.cost?.tokens?.prompt ?? 0).toBe(0);
    } finally {
      await server.close();
    }
  });
});
