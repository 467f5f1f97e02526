/**
 * An endless SSE stream of 256 KB text events at -c 4. Every event is well-formed and below any
 * line cap, so only the accumulated answer text grows: it used to grow until "heap out of memory".
 * Now the answer text is capped at --max-response-bytes (default 8 MiB): `response_too_large`,
 * the socket closed, the other streams unaffected.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { chat, isV2, pour, providers, requestRows, runCliWithPeakRss, startHostileServer } from './hostile-server.js';

const TEXT = 'x'.repeat(256 * 1024);
const V1_EVENT = `data: ${JSON.stringify({ id: 'as-1', object: 'chat.completion', created: 1, sentence_id: 0, is_end: false, result: TEXT })}\n\n`;
const V2_EVENT =
  'data: ' + JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: TEXT } }] }) + '\n\n';
/** Per stream if nobody hangs up: 256 MB, far past the 8 MiB default. */
const SERVER_BUDGET = 1000 * V2_EVENT.length;

function endlessStream() {
  return startHostileServer((req, res, sent) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    void pour(res, isV2(req) ? V2_EVENT : V1_EVENT, SERVER_BUDGET, sent);
  });
}

describe('an endless SSE stream of 256 KB events', () => {
  it('fails 4 concurrent streams per protocol at the default 8 MiB of answer text, each socket closed', async () => {
    const server = await endlessStream();
    const { agent, v1, v2 } = providers(server.url);
    try {
      for (const provider of [v1, v2]) {
        const results = await Promise.all([0, 1, 2, 3].map(() => provider.send(chat('tell me everything'))));
        for (const result of results) {
          expect(result.ok).toBe(false);
          expect(result.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
          // The text kept is below the cap, never past it.
          expect(result.output.length).toBeLessThanOrEqual(8 * 1024 * 1024);
          expect(result.output.length).toBeGreaterThan(7 * 1024 * 1024);
        }
      }
      await expect.poll(() => server.hungUp()).toBe(8);
      expect(server.bytesSent()).toBeLessThan(8 * 64 * 1024 * 1024);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('the real CLI at -c 4 (v2): every row response_too_large, a summary, and a bounded RSS', async () => {
    const server = await endlessStream();
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
          '--max-requests',
          '12',
          '-c',
          '4',
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
      expect(run.stderr).not.toContain('heap out of memory');
      const rows = await requestRows(out);
      expect(rows).toHaveLength(12);
      for (const row of rows) {
        expect(row.error_code).toBe('response_too_large');
        // The output cell keeps a head of the ~8 MB text and says how long it was.
        expect(row.output?.length ?? 0).toBeLessThan(33_000);
        expect(row.output).toMatch(/… \[cut: \d{7} characters in all\]$/);
      }
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      console.log(`endless 256 KB SSE events, 12 requests, -c 4, 8 MiB cap: child peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(1)} MiB`);
      if (run.peakRssBytes > 0) expect(run.peakRssBytes).toBeLessThan(400 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
