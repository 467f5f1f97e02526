/**
 * Bytes after the last event: a complete answer (`is_end: true` on v1, `data: [DONE]` on v2)
 * followed by more events, garbage, or a connection the server keeps open. It used to be read to
 * the end, so an open connection made a complete answer `timeout_total`. Now reading stops at the
 * end event (the body is destroyed) and the answer is `ok`, with what came before the end.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { chat, isV2, providers, startHostileServer } from './hostile-server.js';

/** Short enough that the old behaviour fails fast, long enough for a busy machine to read an answer. */
const TIMEOUTS = { ...DEFAULT_TIMEOUTS, idleMs: 8_000, totalMs: 8_000 };

const V1_ANSWER =
  `data: ${JSON.stringify({ id: 'as-1', object: 'chat.completion', sentence_id: 0, is_end: false, result: 'Hello ' })}\n\n` +
  'data: ' +
  JSON.stringify({
    id: 'as-1',
    object: 'chat.completion',
    sentence_id: 1,
    is_end: true,
    result: 'world.',
    finish_reason: 'normal',
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  }) +
  '\n\n';
const V2_ANSWER =
  `data: ${JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello ' } }] })}\n\n` +
  `data: ${JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'world.' }, finish_reason: 'stop' }] })}\n\n` +
  'data: ' +
  JSON.stringify({ id: 'c-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } }) +
  '\n\n' +
  'data: [DONE]\n\n';
/** What follows the end: a text event that must not count, then garbage that is no SSE at all. */
const V1_AFTER = `data: ${JSON.stringify({ id: 'as-1', sentence_id: 2, is_end: false, result: ' EXTRA' })}\n\n<html>not sse</html>\n`;
const V2_AFTER = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: ' EXTRA' } }] })}\n\n<html>not sse</html>\n`;

/** Sends the answer, then more bytes every 50 ms for at most 20 s, never ending the response itself. */
function lingering(sameChunk: boolean) {
  return startHostileServer((req, res, sent) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const answer = isV2(req) ? V2_ANSWER : V1_ANSWER;
    const after = isV2(req) ? V2_AFTER : V1_AFTER;
    res.write(sameChunk ? answer + after : answer);
    sent(answer.length);
    let ticks = 0;
    const timer = setInterval(() => {
      if (res.destroyed || ++ticks > 400) {
        clearInterval(timer);
        return;
      }
      res.write(': still here\n' + after);
    }, 50);
    res.on('close', () => clearInterval(timer));
  });
}

describe('bytes after the end event', () => {
  for (const sameChunk of [false, true]) {
    it(`${sameChunk ? 'in the same chunk as the end' : 'after it'}, on a connection kept open: ok, not timeout_total (v1 and v2)`, async () => {
      const server = await lingering(sameChunk);
      const { agent, v1, v2 } = providers(server.url, undefined, TIMEOUTS);
      try {
        for (const provider of [v1, v2]) {
          const result = await provider.send(chat('greet me'));
          expect(result.error).toBeUndefined();
          expect(result.ok).toBe(true);
          expect(result.output).toBe('Hello world.');
          expect(result.usage).toEqual({ promptTokens: 2, completionTokens: 3, totalTokens: 5 });
          expect(result.textEventTimes).toHaveLength(2);
          // t_done is the end event's arrival, not the hang-up.
          expect(result.doneAt).toBeGreaterThanOrEqual(result.textEventTimes[1] as number);
        }
        // The client closed both connections (after a short grace); the server never ended them.
        await expect.poll(() => server.hungUp(), { timeout: 15_000 }).toBe(2);
      } finally {
        await agent.close();
        await server.close();
      }
    });
  }

  it('a body that ends right after its end event keeps its connection for the next request', async () => {
    let ended = 0;
    const server = await startHostileServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(isV2(req) ? V2_ANSWER : V1_ANSWER);
      // The end of the body in a later packet than the end event.
      setTimeout(() => res.end(() => ended++), 20);
    });
    const { agent, v1, v2 } = providers(server.url, undefined, TIMEOUTS);
    let answered = 0;
    try {
      for (const provider of [v1, v2]) {
        for (let i = 0; i < 3; i++) {
          const result = await provider.send(chat('greet me'));
          expect(result.ok).toBe(true);
          expect(result.output).toBe('Hello world.');
          // The answer is complete before its body ends; the next request goes once it has (and the
          // client has had a moment to take the end), so it can find the connection free.
          answered++;
          await expect.poll(() => ended, { timeout: 5_000 }).toBe(answered);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      expect(server.requests()).toBe(6);
      expect(server.hungUp()).toBe(0);
      // Reading stopped at the end event, yet the connection was reused, not cut.
      expect(server.connections()).toBeLessThan(6);
    } finally {
      await agent.close();
      await server.close();
    }
  });
});
