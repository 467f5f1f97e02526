/**
 * Reading a request body with a size cap and a deadline, for endpoints that must not wait on or
 * buffer whatever a client sends (the OAuth token endpoint reads its credentials from the body).
 */
import type { IncomingMessage } from 'node:http';

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

export type BoundedBody = { kind: 'ok'; text: string } | { kind: 'tooLarge' } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * The body as UTF-8 text, or why there is none: past `maxBytes`, not complete within `timeoutMs`
 * of the call, or the client went away. Reading stops at the verdict; the caller answers with
 * `Connection: close` so the rest of an oversized or endless body is never read.
 */
export function readBoundedBody(req: IncomingMessage, limits: BodyLimits): Promise<BoundedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (result: BoundedBody): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) finish({ kind: 'tooLarge' });
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    const onError = (): void => finish({ kind: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), limits.timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
