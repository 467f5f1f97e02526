/**
 * The lines of a UTF-8 file, read as a stream, each at most `maxChars` long. readline buffers a
 * line without end (a file with no newline holds it all in memory), so a line past the bound is
 * refused with FILE:LINE as soon as it is seen. Lines end at `\n`, a `\r` before it is dropped;
 * 1-based numbers count every physical line. Bytes that are not UTF-8 decode to U+FFFD (callers
 * refuse such a line); a UTF-16 byte order mark is refused at once.
 */
import { createReadStream } from 'node:fs';
import { datasetError } from '../errors.js';
import { at } from './common.js';

/** 16 Mi characters: far above any real record, far below what would exhaust memory. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface FileLine {
  text: string;
  /** 1-based. */
  line: number;
}

export async function* readFileLines(file: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<FileLine> {
  const input = createReadStream(file);
  const decoder = new TextDecoder('utf-8');
  let pending: string[] = [];
  let pendingChars = 0;
  let line = 0;
  let first = true;
  const tooLong = (): never => {
    throw datasetError(at(file, line + 1), `the line is longer than ${maxChars} characters; a line holds one record`);
  };
  const take = (piece: string): string => {
    const whole = pending.length === 0 ? piece : pending.join('') + piece;
    pending = [];
    pendingChars = 0;
    const text = whole.endsWith('\r') ? whole.slice(0, -1) : whole;
    if (text.length > maxChars) tooLong();
    line += 1;
    return text;
  };
  try {
    for await (const bytes of input as AsyncIterable<Buffer>) {
      if (first && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
        throw datasetError(file, 'the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
      }
      first = false;
      const chunk = decoder.decode(bytes, { stream: true });
      let start = 0;
      for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
        yield { text: take(chunk.slice(start, end)), line };
        start = end + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.slice(start));
        pendingChars += chunk.length - start;
        // One more character may be the `\r` of a `\r\n`.
        if (pendingChars > maxChars + 1) tooLong();
      }
    }
    const rest = decoder.decode();
    if (pendingChars > 0 || rest !== '') {
      yield { text: take(rest), line };
    }
  } finally {
    input.destroy();
  }
}
