/**
 * summary.json says how the adaptive limiter found the quota refilling and the credit it held,
 * per stage and quota key, through the built CLI against its own simulator (--sim) with a fixed
 * window. The window is shortened to 1 s and -c is above the quota, so several resets happen
 * within a few seconds of run; the file is read back through the summary schema as well, which
 * keeps only the fields it knows.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { readSummaryJson } from '../../src/report/summary-json.js';
import { runCli, tempDir } from '../helpers/cli.js';

const SIM = ['--sim', '--sim-opt', 'firstChunkMs=50', '--sim-opt', 'msPerOutputToken=2', '--sim-opt', 'windowMs=1000', '--quota-window', '1'];

describe('summary.json: the limiter refill model and credit', () => {
  it('a fixed-window quota shows refill "fixed" and the requests credit', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      ...SIM,
      '--sim-opt',
      'quotaModel=fixed',
      '--sim-opt',
      'rpm=20',
      '-d',
      'datasets/demo.csv',
      '-m',
      'ernie-speed-8k',
      '--repeat',
      '10',
      '-c',
      '64',
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const raw = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const limiter = raw.stages?.[0]?.limiters?.['chat/ernie_speed'];
    expect(limiter).toBeDefined();
    expect(limiter?.refill).toBe('fixed');
    expect(limiter?.creditRequests).toEqual(expect.any(Number));
    expect(limiter!.creditRequests!).toBeGreaterThanOrEqual(0);
    expect(limiter!.creditRequests!).toBeLessThanOrEqual(20);
    // The schema keeps both (it strips what it does not know).
    const parsed = await readSummaryJson(join(out, 'summary.json'));
    expect(parsed.stages?.[0]?.limiters?.['chat/ernie_speed']).toMatchObject({ refill: 'fixed', creditRequests: limiter?.creditRequests });
  });

  it('a server that sends no rate-limit headers leaves both out', async () => {
    const out = await tempDir();
    // rpm=0: no quota, so the simulator sends no X-Ratelimit-* headers.
    const result = await runCli(['run', ...SIM, '--sim-opt', 'rpm=0', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-c', '4', '--out', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const limiter = (JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary).stages?.[0]?.limiters?.['chat/ernie_speed'];
    expect(limiter).toBeDefined();
    expect(limiter).not.toHaveProperty('refill');
    expect(limiter).not.toHaveProperty('creditRequests');
  });
});
