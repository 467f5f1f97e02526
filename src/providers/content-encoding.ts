/**
 * Content-Encoding of an answer body. undici's `request` hands over the bytes as sent, so a gzip,
 * deflate or br answer is decoded here (node:zlib) and anything else is refused: compressed bytes
 * are never parsed as text. The byte cap applies to both sides of the decoder: the wire bytes,
 * and the DECODED bytes, so a gzip bomb (a small body that inflates to gigabytes) is cut at the cap.
 */
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ResponseTooLargeError, UnsupportedEncodingError } from './body-limit.js';
import type { HeaderBag } from './rate-limit-headers.js';

/** The decoders, by encoding name; `x-gzip` is gzip's old alias (RFC 9110 section 8.4.1.3). */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The encodings applied to a body, in the order they were applied; [] for an identity body. */
export function contentEncodings(headers: HeaderBag): string[] {
  const raw = headers['content-encoding'];
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
}

/** Counts the bytes passing through and fails once they pass `maxBytes`. */
class ByteCap extends Transform {
  private seen = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.byteLength;
    if (this.seen > this.maxBytes) callback(new ResponseTooLargeError(this.maxBytes));
    else callback(null, chunk);
  }
}

/**
 * The body as text bytes: `body` itself when it is not encoded, otherwise a decoder over it whose
 * output is capped at `maxBytes`. Throws UnsupportedEncodingError (after destroying `body`) for an
 * encoding there is no decoder for. Destroying the returned stream destroys `body` (the socket).
 */
export function decodeBody<T extends Readable>(body: T, headers: HeaderBag, maxBytes: number): T | Readable {
  const encodings = contentEncodings(headers);
  if (encodings.length === 0) return body;
  const unknown = encodings.find((name) => DECODERS[name] === undefined);
  if (unknown !== undefined) {
    // undici's body reports its own destruction as an 'error': nobody else is listening now.
    body.on('error', () => {});
    body.destroy();
    throw new UnsupportedEncodingError(unknown);
  }
  // Decoders run in the reverse order of the encodings; the output cap sits after the last one.
  const stages: Array<Readable | Transform> = [body, new ByteCap(maxBytes)];
  for (const name of [...encodings].reverse()) stages.push((DECODERS[name] as () => Transform)());
  const decoded = new ByteCap(maxBytes);
  stages.push(decoded);
  // Errors reach the reader through `decoded` (pipeline destroys every stage with the first error).
  pipeline(stages as unknown as [Readable, Transform], () => {});
  return decoded;
}

/** Whether an error is a decoder's: zlib's (Z_DATA_ERROR, Z_BUF_ERROR) or brotli's (ERR__ERROR_FORMAT_…), a cut or corrupt body. */
export function isDecodingError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR') || code === 'ERR_BROTLI_DECOMPRESSION_FAILED');
}
