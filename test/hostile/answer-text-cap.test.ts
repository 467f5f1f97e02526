/**
 * Answer text accumulated past the cap from many small events: no line or event is large, only
 * their sum. The stream's text is capped at --max-response-bytes like a sync body: past it the
 * request fails with `response_too_large` and the socket is closed; an answer just below it is ok.
 */
import { describe, expect, it } from 'vitest';
import { chat, isV2, pour, providers, startHostileServer } from './hostile-server.js';

const CAP = 32 * 1024;
const WORDS = 'small piece of text, '.repeat(5); // 105 characters per event

function v1Event(result: string, isEnd = false): string {
  const usage = isEnd ? { prompt_tokens: 3, completion_tokens: 10, total_tokens: 13 } : undefined;
  return (
    'data: ' +
    JSON.stringify({ id: 'as-1', object: 'chat.completion', created: 1, sentence_id: 0, is_end: isEnd, result, ...(usage !== undefined ? { usage } : {}) }) +
    '\n\n'
  );
}
function v2Event(content: string): string {
  return `data: ${JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content } }] })}\n\n`;
}

describe('answer text accumulated past the cap from many small events', () => {
  it('fails v1 and v2 with response_too_large, keeping at most the cap, and hangs up', async () => {
    const server = await startHostileServer((req, res, sent) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void pour(res, isV2(req) ? v2Event(WORDS) : v1Event(WORDS), 64 * 1024 * 1024, sent);
    });
    const { agent, v1, v2 } = providers(server.url, CAP);
    try {
      for (const provider of [v1, v2]) {
        const result = await provider.send(chat('go on'));
        expect(result.ok).toBe(false);
        expect(result.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
        expect(result.output.length).toBeLessThanOrEqual(CAP);
        expect(result.output.length).toBeGreaterThan(CAP - WORDS.length - 1);
      }
      await expect.poll(() => server.hungUp()).toBe(2);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('an answer of exactly the cap, in small events, is ok', async () => {
    const pieces = Math.floor(CAP / WORDS.length);
    const tail = 'e'.repeat(CAP - pieces * WORDS.length);
    const server = await startHostileServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (isV2(req)) {
        for (let i = 0; i < pieces; i++) res.write(v2Event(WORDS));
        res.write(v2Event(tail));
        res.end(
          `data: ${JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: ` +
            `[DONE]\n\n`,
        );
      } else {
        for (let i = 0; i < pieces; i++) res.write(v1Event(WORDS));
        res.end(v1Event(tail, true));
      }
    });
    const { agent, v1, v2 } = providers(server.url, CAP);
    try {
      for (const provider of [v1, v2]) {
        const result = await provider.send(chat('go on'));
        expect(result.error).toBeUndefined();
        expect(result.ok).toBe(true);
        expect(result.output).toHaveLength(CAP);
      }
    } finally {
      await agent.close();
      await server.close();
    }
  });
});
