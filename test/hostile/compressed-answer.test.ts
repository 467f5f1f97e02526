/**
 * A compressed answer (Content-Encoding gzip, deflate, br) used to be parsed as text: garbage,
 * `malformed_body`. Now it is decoded, stream or sync, with the byte cap on the DECODED size, so
 * a gzip bomb (kilobytes that inflate to 64 MiB) is cut at --max-response-bytes. An encoding
 * there is no decoder for is refused (`unsupported_encoding`), never read as text.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chat, isV2, providers, startHostileServer } from './hostile-server.js';

const TEXT = '你好, compressed world. '.repeat(200);
const V1_SYNC = JSON.stringify({
  id: 'as-1',
  object: 'chat.completion',
  result: TEXT,
  is_end: true,
  usage: { prompt_tokens: 2, completion_tokens: 800, total_tokens: 802 },
});
const V2_SYNC = JSON.stringify({
  id: 'c-1',
  object: 'chat.completion',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: TEXT } }],
  usage: { prompt_tokens: 2, completion_tokens: 800, total_tokens: 802 },
});
const V2_STREAM =
  TEXT.match(/.{1,300}/gsu)!
    .map((piece) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece } }] })}\n\n`)
    .join('') + `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

const ENCODERS: Record<string, (data: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

/** Answers every request compressed with the encoding named in the prompt (`enc=gzip`). */
function compressingServer() {
  return startHostileServer((req, res) => {
    const encoding = /enc=(\w+)/.exec(req.body)?.[1] ?? 'gzip';
    const stream = (JSON.parse(req.body) as { stream?: boolean }).stream === true;
    const body = stream ? V2_STREAM : isV2(req) ? V2_SYNC : V1_SYNC;
    res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'content-encoding': encoding });
    const encoded = (ENCODERS[encoding] as (data: Buffer) => Buffer)(Buffer.from(body));
    // In small pieces, so the decoder sees a body split anywhere.
    let offset = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (offset >= encoded.length) {
        res.end();
        return;
      }
      res.write(encoded.subarray(offset, offset + 700));
      offset += 700;
      setImmediate(next);
    };
    next();
  });
}

describe('compressed answers', () => {
  it('gzip, deflate and br answers are decoded: sync on v1 and v2, and a gzip SSE stream', async () => {
    const server = await compressingServer();
    const { agent, v1, v2 } = providers(server.url, 1024 * 1024);
    try {
      for (const encoding of Object.keys(ENCODERS)) {
        for (const provider of [v1, v2]) {
          const result = await provider.send(chat(`enc=${encoding}`, false));
          expect(result.error, `${provider.name} ${encoding}`).toBeUndefined();
          expect(result.output).toBe(TEXT);
          expect(result.usage?.completionTokens).toBe(800);
        }
        const streamed = await v2.send(chat(`enc=${encoding}`, true));
        expect(streamed.error, `stream ${encoding}`).toBeUndefined();
        expect(streamed.ok).toBe(true);
        expect(streamed.output).toBe(TEXT);
        expect(streamed.textEventTimes.length).toBeGreaterThan(1);
        // Each text event carries an arrival stamp within the exchange.
        expect(streamed.textEventTimes[0]).toBeGreaterThanOrEqual(streamed.dispatchedAt);
      }
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('a gzip bomb is cut at the cap on its decoded size (1 MiB and the 8 MiB default)', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"result":"'), Buffer.alloc(64 * 1024 * 1024, 'a'), Buffer.from('","is_end":true}')]), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const server = await startHostileServer((req, res, sent) => {
      res.writeHead(200, { 'content-type': isV2(req) ? 'text/event-stream' : 'application/json', 'content-encoding': 'gzip' });
      sent(bomb.length);
      res.end(bomb);
    });
    try {
      for (const cap of [1024 * 1024, undefined]) {
        const { agent, v1, v2 } = providers(server.url, cap);
        try {
          const sync = await v1.send(chat('boom', false));
          expect(sync.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
          // As SSE the bomb is one endless line: the parser's line cap applies to decoded text too.
          const stream = await v2.send(chat('boom', true));
          expect(stream.error).toMatchObject({ class: 'fatal', code: 'response_too_large' });
        } finally {
          await agent.close();
        }
      }
    } finally {
      await server.close();
    }
  });

  it('an encoding without a decoder is refused as unsupported_encoding; an error status still counts', async () => {
    const server = await startHostileServer((req, res) => {
      if (req.body.includes('bad-gzip-429')) {
        res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end('{"error":"not gzip"}');
        return;
      }
      if (req.body.includes('throttle')) {
        res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'zstd', 'retry-after': '1' });
        res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
        return;
      }
      if (req.body.includes('corrupt')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(Buffer.from('this is not gzip at all'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]));
    });
    const { agent, v1, v2 } = providers(server.url);
    try {
      for (const provider of [v1, v2]) {
        const refused = await provider.send(chat('please', false));
        expect(refused.ok).toBe(false);
        expect(refused.error).toMatchObject({ class: 'fatal', code: 'unsupported_encoding' });
        expect(refused.error?.message).toContain('zstd');
        const throttled = await provider.send(chat('throttle', false));
        expect(throttled.error).toMatchObject({ class: 'throttled', httpStatus: 429 });
        const badThrottle = await provider.send(chat('bad-gzip-429', false));
        expect(badThrottle.error).toMatchObject({ class: 'throttled', httpStatus: 429 });
        const corrupt = await provider.send(chat('corrupt', false));
        expect(corrupt.error).toMatchObject({ class: 'retryable', code: 'invalid_encoding' });
      }
    } finally {
      await agent.close();
      await server.close();
    }
  });
});
