import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    firstChunkMs: 5,
    prefillMsPerToken: 0,
    msPerOutputToken: 0.2,
    jitter: 0,
    seed: 5,
    accessKey: 'e2e-iam-access-key',
    secretKey: 'e2e-iam-secret-key',
  });
});
afterAll(async () => sim.close());

function iamEnv(secretKey = sim.credentials.secretKey): Record<string, string | undefined> {
  return {
    QIANFAN_BASE_URL: sim.url,
    QIANFAN_ACCESS_KEY: sim.credentials.accessKey,
    QIANFAN_SECRET_KEY: secretKey,
    QIANFAN_AK: undefined,
    QIANFAN_SK: undefined,
  };
}

async function readRequests(dir: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(dir, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

const ARGS = ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--quiet'];

describe('qfbench run with IAM (bce-auth-v1) credentials', () => {
  it('signs every request, fetches no token, and every request succeeds', async () => {
    const out = await tempDir();
    const before = { tokens: sim.stats.tokenRequests, chat: sim.stats.chatRequests };
    const result = await runCli([...ARGS, '--out', out], { env: iamEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = await readRequests(out);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(rows.length).toBe(summary.cells.reduce((sum, cell) => sum + cell.planned, 0));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
    expect(sim.stats.chatRequests - before.chat).toBe(rows.length);
    expect(sim.stats.tokenRequests).toBe(before.tokens);
    expect(sim.stats.tokenRequests).toBe(0);
  });

  it('with a wrong secret key: every request fails with 14, files are written, exit code 4 without the keys', async () => {
    const out = await tempDir();
    const wrongSecret = 'wrong-iam-secret-that-must-not-show';
    const before = sim.stats.chatRequests;
    const result = await runCli([...ARGS, '--out', out], { env: iamEnv(wrongSecret) });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/authentication failed/);
    expect(result.stderr).toContain('error_code 14');
    expect(result.stderr).toContain('QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY');
    expect(result.stderr).not.toContain(wrongSecret);
    expect(result.stderr).not.toContain(sim.credentials.accessKey);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // Nothing is lost: the run's files exist and record each refusal.
    for (const file of ['requests.csv', 'summary.json', 'summary.csv', 'report.html']) expect(existsSync(join(out, file))).toBe(true);
    const rows = await readRequests(out);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.outcome === 'failed' && row.error_code === '14')).toBe(true);
    // IAM errors are not retried: one attempt per request.
    expect(sim.stats.chatRequests - before).toBe(rows.length);
    expect(sim.stats.tokenRequests).toBe(0);
  });
});
