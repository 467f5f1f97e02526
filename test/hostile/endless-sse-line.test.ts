/**
 * An SSE stream that sends one line and never a newline: the parser's partial line used to grow
 * without end. Now the unfinished line (and an unfinished event's joined data lines) may not pass
 * --max-response-bytes: `response_too_large`, the socket closed.
 */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/providers/sse.js';
import { chat, isV2, pour, providers, startHostileServer } from './hostile-server.js';

const CAP = 64 * 1024;
const SERVER_BUDGET = 64 * 1024 * 1024;

describe('an endless SSE line without a newline', () => {
  it('fails v1 and v2 streams with response_too_large once the line passes the cap, and hangs up', async () => {
    const server = await startHostileServer((req, res, sent) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(isV2(req) ? 'data: {"choices":[{"delta":{"content":"' : 'data: {"result":"');
      void pour(res, 'y'.repeat(4096), SERVER_BUDGET, sent);
    });
    const { agent, v1, v2 } = providers(server.url, CAP);
    try {
      for (const provider of [v1, v2]) {
        const result = await provider.send(chat('one line please'));
        expect(result.ok).toBe(false);
        expect(result.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
      }
      await expect.poll(() => server.hungUp()).toBe(2);
      expect(server.bytesSent()).toBeLessThan(2 * 16 * 1024 * 1024);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('an event of many data lines is capped as a whole; events before the excess still come out', () => {
    const parser = new SseParser(100);
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(parser.push(encode('data: first\n\n'), 1)).toEqual([{ kind: 'data', text: 'first', at: 1 }]);
    // Each data line counts its 9 characters and the newline joining it: 10 lines make 100.
    for (let i = 0; i < 10; i++) expect(parser.push(encode(`data: ${'z'.repeat(9)}\n`), 2)).toEqual([]);
    expect(parser.exceeded).toBe(false);
    // The 11th takes the event past 100 characters.
    expect(parser.push(encode(`data: ${'z'.repeat(9)}\n`), 3)).toEqual([]);
    expect(parser.exceeded).toBe(true);
    // Nothing more is parsed, and nothing flushed at the end.
    expect(parser.push(encode('\n\ndata: later\n\n'), 4)).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it('a line past the cap inside one chunk stops the parser after the events before it', () => {
    const parser = new SseParser(50);
    const events = parser.push(new TextEncoder().encode(`data: ok\n\ndata: ${'w'.repeat(200)}\n\n`), 5);
    expect(events).toEqual([{ kind: 'data', text: 'ok', at: 5 }]);
    expect(parser.exceeded).toBe(true);
  });
});
