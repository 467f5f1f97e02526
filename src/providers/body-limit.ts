/**
 * Reading a response body with a byte cap. Every body the client buffers (error bodies, JSON
 * answers, token answers) goes through here, so no server can make the process hold more than
 * the cap: past it the body is destroyed (closing the socket) and the read fails with
 * ResponseTooLargeError, which the transport records as `response_too_large`. The same cap
 * bounds a decoded body (content-encoding.ts), one SSE line or event (SseParser) and the text a
 * stream accumulates (the providers).
 */

/** The default for `--max-response-bytes`: 8 MiB, far above any real chat answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The highest `--max-response-bytes` accepted: 256 MiB, half of V8's longest string. */
export const MAX_RESPONSE_BYTES_LIMIT = 256 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'response_too_large';
  constructor(readonly limitBytes: number) {
    super(`response_too_large: the answer exceeded ${limitBytes} bytes (--max-response-bytes)`);
  }
}

/** The minimal body interface both undici's BodyReadable and node streams offer. */
export interface CappedReadable extends AsyncIterable<Uint8Array | string> {
  destroy(error?: Error): unknown;
}

/** Reads `body` as UTF-8 text, failing (and destroying the body) once it passes `maxBytes`. */
export async function readTextCapped(body: CappedReadable, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let received = 0;
  let text = '';
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.byteLength;
    if (received > maxBytes) {
      const error = new ResponseTooLargeError(maxBytes);
      body.destroy(error);
      throw error;
    }
    text += decoder.decode(bytes, { stream: true });
  }
  return text + decoder.decode();
}

/** The server used a Content-Encoding the client cannot decode: the body is refused, never parsed as text. */
export class UnsupportedEncodingError extends Error {
  override readonly name = 'UnsupportedEncodingError';
  readonly code = 'unsupported_encoding';
  constructor(readonly encoding: string) {
    super(
      `unsupported_encoding: the answer is sent with Content-Encoding "${encoding.slice(0, 40)}", which qfbench cannot decode (gzip, deflate and br can be)`,
    );
  }
}

/** Whether an error (or its cause) is the cap being passed. */
export function isResponseTooLarge(error: unknown): error is ResponseTooLargeError {
  return error instanceof ResponseTooLargeError || (error instanceof Error && error.cause instanceof ResponseTooLargeError);
}
