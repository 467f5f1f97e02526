/**
 * A server whose error message is megabytes long (v1 `error_msg` with HTTP 200, v2 `error.message`
 * with a 400): the recorded message is cut to a bounded length, so no CSV cell, log line or JUnit
 * file carries the whole body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SERVER_MESSAGE_CHARS } from '../../src/providers/server-message.js';
import { chat, isV2, providers, startHostileServer, type HostileServer } from './hostile-server.js';

const HUGE = 'x'.repeat(3 * 1024 * 1024);
let server: HostileServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a megabyte error message', () => {
  it.each(['v1', 'v2'] as const)('%s keeps at most the bounded head of it', async (protocol) => {
    server = await startHostileServer((req, res) => {
      if (isV2(req)) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'invalid_argument', message: HUGE, type: 'invalid_request_error' } }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_code: 336003, error_msg: HUGE }));
      }
    });
    const { agent, v1, v2 } = providers(server.url);
    try {
      const result = await (protocol === 'v1' ? v1 : v2).send(chat('hi', false));
      expect(result.ok).toBe(false);
      expect(result.error?.message.startsWith('xxxx')).toBe(true);
      expect(result.error?.message.length).toBeLessThanOrEqual(MAX_SERVER_MESSAGE_CHARS + 1);
    } finally {
      await agent.close();
    }
  });
});
