/**
 * Shared by the "loud when requests fail" hostile tests: a tiny dataset, a node:http server on
 * 127.0.0.1:0 answering every request the same way, and readers for a run's files.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';

/** A CSV dataset of `rows` prompts (ids r1, r2, …), extra columns as given. */
export async function writeDataset(rows: ReadonlyArray<Record<string, string>>): Promise<string> {
  const dir = await tempDir('qfbench-loud-');
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => quote(row[column] ?? '')).join(','))];
  const path = join(dir, 'rows.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

export { requestRows, runSummary } from './hostile-server.js';

export interface FixedServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Answers every request with `status` and the JSON `body`. */
export async function startFixedServer(status: number, body: unknown): Promise<FixedServer> {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was bound and closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Three plain rows. */
export const THREE_ROWS = [
  { id: 'r1', prompt: 'Say one word.' },
  { id: 'r2', prompt: 'Name a colour.' },
  { id: 'r3', prompt: 'Count to three.' },
];
