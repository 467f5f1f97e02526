/**
 * v1's `need_clear_history`, `ban_round` and `is_truncated` (qianfan-api.md §4.1, §4.2, §9) read
 * from sync answers and from SSE events, against a real HTTP server on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { answeredRecord } from '../../src/metrics/request-record.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import type { RequestPlan } from '../../src/plan/plan.js';

/** The answer each prompt gets: `flagged`, `cut` or anything else (plain). */
function answerFor(prompt: string): Record<string, unknown> {
  const base = { id: 'as-abcdefghij', object: 'chat.completion', created: 1, usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };
  if (prompt === 'flagged')
    return { ...base, result: '', is_truncated: false, need_clear_history: true, ban_round: -1, flag: 1, finish_reason: 'content_filter' };
  if (prompt === 'cut') return { ...base, result: 'cut here', is_truncated: true, need_clear_history: false, finish_reason: 'length' };
  return { ...base, result: 'fine' };
}

let server: Server;
let agent: Agent;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { stream: boolean; messages: Array<{ content: string }> };
      const answer = answerFor(parsed.messages.at(-1)?.content ?? '');
      if (!parsed.stream) {
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify(answer));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Each flag comes on one event only (need_clear_history on the first, is_truncated on the last); the last carries the totals.
      const text = String(answer.result);
      const first: Record<string, unknown> = { ...answer, sentence_id: 0, is_end: false, result: text.slice(0, 3), is_truncated: false };
      const last: Record<string, unknown> = { ...answer, sentence_id: 1, is_end: true, result: text.slice(3), need_clear_history: false };
      delete last.ban_round;
      res.write(`data: ${JSON.stringify(first)}\n\n`);
      res.end(`data: ${JSON.stringify(last)}\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = createAgent({ connections: 4, timeouts: DEFAULT_TIMEOUTS });
});

afterAll(async () => {
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function provider() {
  return createQianfanProvider({
    baseUrl,
    auth: { kind: 'access-token', accessToken: 't' },
    dispatcher: agent,
    timeouts: DEFAULT_TIMEOUTS,
    refreshOnExpiredToken: false,
  });
}

function chat(content: string, stream: boolean): ProviderRequest {
  return { api: 'chat', model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed', messages: [{ role: 'user', content }], params: {}, stream };
}

describe('v1 answer flags', () => {
  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'sync';
    it(`${mode}: need_clear_history with ban_round`, async () => {
      const result = await provider().send(chat('flagged', stream));
      expect(result.ok).toBe(true);
      expect(result.flags).toEqual({ needClearHistory: true, banRound: -1, isTruncated: false });
    });

    it(`${mode}: is_truncated`, async () => {
      const result = await provider().send(chat('cut', stream));
      expect(result.flags).toEqual({ needClearHistory: false, isTruncated: true });
    });

    it(`${mode}: an answer without the fields still carries them as false`, async () => {
      const result = await provider().send(chat('plain', stream));
      expect(result.ok).toBe(true);
      expect(result.flags).toEqual({ needClearHistory: false, isTruncated: false });
    });
  }

  it('the record of the request carries them', async () => {
    const result = await provider().send(chat('flagged', false));
    const spec = {
      seq: 0,
      cell: { id: 'c0', index: 0, api: 'chat', label: 'x', model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed', params: {}, paramsText: '' },
      row: { id: 'r1', source: { file: 'd.jsonl', line: 1 }, messages: [{ role: 'user', content: 'flagged' }], vars: {} },
      repeat: 0,
    } satisfies RequestPlan;
    const { record } = answeredRecord(spec, result, { schedAt: result.dispatchedAt, epoch: 0, attempts: 1, backoffMs: 0, stream: false });
    expect(record).toMatchObject({ needClearHistory: true, banRound: -1, isTruncated: false });
  });
});
