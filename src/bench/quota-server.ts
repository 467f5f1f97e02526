/**
 * An independent v1 quota server for the limiter tests and `npm run bench` (deliberately not our
 * simulator: it shares no code with src/sim, so the limiter is measured against books it did not
 * write). A small node:http server that answers every chat request after `answerMs` (as one JSON
 * answer, or as v1 SSE chunks spread over that time when the request asks for a stream), refuses
 * it with error_code 336501 (or 18) on HTTP 200 when the request quota is spent, and keeps its
 * own books in one of three models: a token bucket, a fixed window (aligned to the server's start
 * plus `phaseMs`, as a real server's minute is not aligned to our first request) or a rolling
 * window. It counts server-side what a test asserts: arrivals, refusals, the most requests in flight.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type QuotaModel = 'bucket' | 'fixed' | 'rolling';

export interface QuotaServerOptions {
  model: QuotaModel;
  /** Requests per window (the bucket's capacity; it refills limit per window). */
  limit: number;
  windowMs: number;
  answerMs?: number;
  /** 'all': Limit and Remaining for requests and tokens; 'limit': only the Limit headers; 'none'. */
  headers?: 'all' | 'limit' | 'none';
  throttleCode?: 18 | 336501;
  /** Arrival numbers (1-based) refused whatever the quota says, as a prompt-triggered 336501 would be. */
  refuseArrivals?: number[];
  /** Fixed windows: how far into its first window the server already is when it starts. */
  phaseMs?: number;
}

export interface QuotaServer {
  url: string;
  arrivals: number[];
  admitted: number[];
  refused: number;
  maxInFlight: number;
  /** Requests already in flight at each admission. */
  inFlightAtAdmission: number[];
  close(): Promise<void>;
}

const TOKEN_LIMIT = 1_000_000;

export async function startQuotaServer(options: QuotaServerOptions): Promise<QuotaServer> {
  const { model, limit, windowMs } = options;
  const origin = performance.now() - (options.phaseMs ?? 0);
  const admittedAt: number[] = [];
  let bucket = limit;
  let bucketAt = origin;
  let inFlight = 0;
  const refuse = new Set(options.refuseArrivals ?? []);

  /** Requests left at `now` before this one, by the model. */
  const remaining = (now: number): number => {
    if (model === 'bucket') {
      bucket = Math.min(limit, bucket + ((now - bucketAt) * limit) / windowMs);
      bucketAt = now;
      return bucket;
    }
    if (model === 'fixed') {
      const windowStart = origin + Math.floor((now - origin) / windowMs) * windowMs;
      return limit - admittedAt.filter((at) => at >= windowStart).length;
    }
    return limit - admittedAt.filter((at) => at > now - windowMs).length;
  };
  const admit = (now: number): void => {
    admittedAt.push(now);
    if (model === 'bucket') bucket -= 1;
  };

  const state: QuotaServer = { url: '', arrivals: [], admitted: admittedAt, refused: 0, maxInFlight: 0, inFlightAtAdmission: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < 65_536) body += chunk;
    });
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      const now = performance.now();
      state.arrivals.push(now);
      const arrival = state.arrivals.length;
      const left = remaining(now);
      const over = left < 1;
      const refused = over || refuse.has(arrival);
      if (!refused) admit(now);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.headers !== 'none') {
        headers['X-Ratelimit-Limit-Requests'] = String(limit);
        headers['X-Ratelimit-Limit-Tokens'] = String(TOKEN_LIMIT);
      }
      if ((options.headers ?? 'all') === 'all') {
        headers['X-Ratelimit-Remaining-Requests'] = String(Math.max(0, Math.floor(remaining(now))));
        headers['X-Ratelimit-Remaining-Tokens'] = String(TOKEN_LIMIT - 100 * admittedAt.length);
      }
      if (refused) {
        state.refused++;
        res.writeHead(200, headers);
        res.end(JSON.stringify({ error_code: options.throttleCode ?? 336501, error_msg: 'Open api rpm limit reached' }));
        return;
      }
      state.inFlightAtAdmission.push(inFlight);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const answerMs = options.answerMs ?? 20;
      if (stream) {
        streamAnswer(res, headers, arrival, answerMs, () => inFlight--);
        return;
      }
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, headers);
        res.end(
          JSON.stringify({
            id: `as-${arrival}`,
            object: 'chat.completion',
            created: 1,
            result: 'ok',
            is_truncated: false,
            need_clear_history: false,
            finish_reason: 'normal',
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
      }, answerMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

const STREAM_CHUNKS = 5;

/** A v1 SSE answer: a first chunk at once, the rest spread over `answerMs`, usage on the last. */
function streamAnswer(res: ServerResponse, headers: Record<string, string>, arrival: number, answerMs: number, done: () => void): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
  let sent = 0;
  const send = (): void => {
    sent++;
    const last = sent === STREAM_CHUNKS;
    const chunk = {
      id: `as-${arrival}`,
      object: 'chat.completion',
      created: 1,
      sentence_id: sent - 1,
      is_end: last,
      result: 'ok ',
      usage: { prompt_tokens: 10, completion_tokens: sent, total_tokens: 10 + sent },
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (!last) {
      setTimeout(send, answerMs / (STREAM_CHUNKS - 1));
      return;
    }
    done();
    res.end();
  };
  send();
}
