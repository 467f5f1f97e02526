/**
 * Shared by the token-endpoint hostile tests: a v1 OAuth environment pointed at a hostile server,
 * and the checks that every planned request has its row and every summary file was written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { requestRows } from './hostile-server.js';

export const TOKEN_PATH = '/oauth/2.0/token';

export function isTokenRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(TOKEN_PATH);
}

/** QIANFAN_AK/SK (OAuth) against `url`; CI mode keeps the progress output to plain lines. */
export function oauthEnv(url: string, ak = 'hostile-ak-0123456789', sk = 'hostile-sk-9876543210'): Record<string, string> {
  return { QIANFAN_AK: ak, QIANFAN_SK: sk, QIANFAN_BASE_URL: url, CI: 'true' };
}

/** Every planned request has exactly one row, each with `outcome` (and `code` when given); the summaries exist. */
export async function expectEveryRow(out: string, planned: number, outcome: string, code?: string): Promise<Record<string, string>[]> {
  const rows = await requestRows(out);
  expect(rows).toHaveLength(planned);
  expect(new Set(rows.map((row) => row.seq)).size).toBe(planned);
  for (const row of rows) {
    expect(row.outcome).toBe(outcome);
    if (code !== undefined) expect(row.error_code).toBe(code);
    expect(row.error_msg).not.toBe('');
    expect(row.attempts).toBe('0');
  }
  for (const file of ['summary.json', 'summary.csv', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);
  return rows;
}
