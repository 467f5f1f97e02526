/**
 * A node:http server on 127.0.0.1:0 for the hostile tests, counting what it sent and whether the
 * client hung up before it was done, and `pour`, which writes a piece again and again with
 * backpressure until the client goes away or a byte budget is spent (so every test ends by itself).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS, type HttpTimeouts } from '../../src/providers/http.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import type { RunSummary } from '../../src/metrics/types.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';

export interface HostileServer {
  url: string;
  /** Requests received. */
  requests(): number;
  /** Body bytes written, over all responses. */
  bytesSent(): number;
  /** Responses the client closed before the server ended them. */
  hungUp(): number;
  /** TCP connections accepted (fewer than requests: keep-alive reuse). */
  connections(): number;
  close(): Promise<void>;
}

export type HostileHandler = (req: IncomingMessage & { body: string }, res: ServerResponse, sent: (bytes: number) => void) => void | Promise<void>;

export async function startHostileServer(handle: HostileHandler): Promise<HostileServer> {
  let requests = 0;
  let bytes = 0;
  let hungUp = 0;
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      res.on('close', () => {
        if (!res.writableFinished) hungUp++;
      });
      void handle(Object.assign(req, { body: Buffer.concat(chunks).toString('utf8') }), res, (n) => (bytes += n));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    bytesSent: () => bytes,
    hungUp: () => hungUp,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `piece` until the client hangs up or `limitBytes` are written; then ends the response
 * (`end: true`) or leaves it open until the client goes (`end: false`, a server that never ends).
 */
export async function pour(
  res: ServerResponse,
  piece: string | Buffer,
  limitBytes: number,
  sent: (bytes: number) => void,
  options: { end?: boolean } = {},
): Promise<void> {
  const size = Buffer.byteLength(piece);
  let written = 0;
  while (!res.destroyed && written + size <= limitBytes) {
    written += size;
    sent(size);
    if (!res.write(piece))
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
  }
  if (options.end !== false && !res.destroyed) res.end();
}

/** One chat request of the row `content`. */
export function chat(content = 'hello', stream = true, extra: Partial<ProviderRequest> = {}): ProviderRequest {
  return { api: 'chat', model: 'ernie-speed-8k', endpoint: 'ernie_speed', messages: [{ role: 'user', content }], params: {}, stream, ...extra };
}

/** The v1 (access token, no OAuth) and v2 providers against `url`, with a byte cap and timeouts. */
export function providers(
  url: string,
  maxResponseBytes?: number,
  timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
): { agent: Agent; v1: ReturnType<typeof createQianfanProvider>; v2: ReturnType<typeof createOpenAIProvider> } {
  const agent = createAgent({ connections: 8, timeouts }) as Agent;
  const cap = maxResponseBytes !== undefined ? { maxResponseBytes } : {};
  return {
    agent,
    v1: createQianfanProvider({
      baseUrl: url,
      auth: { kind: 'access-token', accessToken: 'hostile-test-token' },
      dispatcher: agent,
      timeouts,
      refreshOnExpiredToken: false,
      ...cap,
    }),
    v2: createOpenAIProvider({ baseUrl: `${url}/v2`, apiKey: 'hostile-test-key', dispatcher: agent, timeouts, ...cap }),
  };
}

/** Whether a request went to the v2 (OpenAI-compatible) path. */
export function isV2(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/v2/');
}

/**
 * Peak RSS of a child process, from /proc/PID/status VmHWM (the kernel's high-water mark), polled
 * every 50 ms until `stop()`; the last poll just before the process exits sees the final mark.
 * Returns 0 where /proc is not there.
 */
export function watchPeakRss(pid: number): { peakBytes(): number; stop(): void } {
  let peak = 0;
  const poll = (): void => {
    try {
      const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match !== null) peak = Math.max(peak, Number(match[1]) * 1024);
    } catch {
      // The process is gone (or there is no /proc).
    }
  };
  poll();
  const timer = setInterval(poll, 50);
  return {
    peakBytes: () => peak,
    stop: () => clearInterval(timer),
  };
}

/** Runs the real CLI (see test/helpers/cli.ts) and measures the child's peak RSS while it runs. */
export async function runCliWithPeakRss(args: string[], options: CliOptions = {}): Promise<CliResult & { peakRssBytes: number }> {
  let watch: ReturnType<typeof watchPeakRss> | undefined;
  try {
    const result = await runCli(args, {
      timeoutMs: 120_000,
      ...options,
      onSpawn: (child) => {
        if (child.pid !== undefined) watch = watchPeakRss(child.pid);
        options.onSpawn?.(child);
      },
    });
    return { ...result, peakRssBytes: watch?.peakBytes() ?? 0 };
  } finally {
    watch?.stop();
  }
}

/** The rows of a run's requests.csv. */
export async function requestRows(out: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
}

/** A run's summary.json, as written. */
export async function runSummary(out: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
}
