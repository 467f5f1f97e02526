import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/providers/sse.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('SseParser', () => {
  it('assembles events split across chunks and stamps each with the arrival of its first byte', () => {
    const parser = new SseParser();
    expect(parser.push(bytes('da'), 1)).toEqual([]);
    expect(parser.push(bytes('ta: {"a":'), 2)).toEqual([]);
    expect(parser.push(bytes('1}\n'), 3)).toEqual([]);
    expect(parser.push(bytes('\ndata: {"b":2}\n\nda'), 4)).toEqual([
      { kind: 'data', text: '{"a":1}', at: 1 },
      { kind: 'data', text: '{"b":2}', at: 4 },
    ]);
    expect(parser.push(bytes('ta: {"c":3}\n\n'), 5)).toEqual([{ kind: 'data', text: '{"c":3}', at: 4 }]);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const parser = new SseParser();
    const all = bytes('data: {"result":"你好"}\n\n');
    const events = [...parser.push(all.slice(0, 20), 1), ...parser.push(all.slice(20), 2)];
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.text)).toEqual({ result: '你好' });
  });

  it('surfaces a bare JSON line (a v1 mid-stream error) as a bare event', () => {
    const parser = new SseParser();
    const events = parser.push(bytes('data: {"result":"a"}\n\n{"error_code":336003,"error_msg":"too long"}\n'), 7);
    expect(events.map((event) => event.kind)).toEqual(['data', 'bare']);
    expect(JSON.parse(events[1]!.text)).toMatchObject({ error_code: 336003 });
  });

  it('skips comments, handles CRLF, joins multi-line data and reads event names', () => {
    const parser = new SseParser();
    const events = parser.push(bytes(': keep-alive\r\nevent: message\r\ndata: line1\r\ndata: line2\r\n\r\n'), 9);
    expect(events).toEqual([{ kind: 'data', text: 'line1\nline2', event: 'message', at: 9 }]);
  });

  it('flushes an event without its closing blank line, and a bare line without newline, at end', () => {
    const parser = new SseParser();
    expect(parser.push(bytes('data: {"x":1}\n'), 1)).toEqual([]);
    expect(parser.end()).toEqual([{ kind: 'data', text: '{"x":1}', at: 1 }]);
    const other = new SseParser();
    other.push(bytes('{"error_code":18'), 3);
    other.push(bytes(',"error_msg":"qps"}'), 4);
    expect(other.end()).toEqual([{ kind: 'bare', text: '{"error_code":18,"error_msg":"qps"}', at: 3 }]);
  });
});
