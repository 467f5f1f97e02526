/**
 * A pass-through HTTP proxy on 127.0.0.1 that logs every request body it forwarded in full, so a
 * test can count which requests a server was sent (the simulator only counts them).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  path: string;
  body: string;
}

export interface LoggingProxy {
  url: string;
  /** Requests whose body arrived whole, in arrival order. */
  log: LoggedRequest[];
  close(): Promise<void>;
}

export async function startLoggingProxy(target: string): Promise<LoggingProxy> {
  const upstream = new URL(target);
  const log: LoggedRequest[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const outgoing = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // A client killed mid-answer: stop the upstream request too.
    res.on('close', () => outgoing.destroy());
    outgoing.on('error', () => res.destroy());
    outgoing.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      log.push({ path: req.url ?? '', body: body.toString('utf8') });
      forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
