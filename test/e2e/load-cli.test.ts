import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['--sim', '--sim-opt', 'firstChunkMs=5', '--sim-opt', 'msPerOutputToken=0.2', '--quiet'];

async function read(out: string): Promise<{ summary: RunSummary; rows: Record<string, string>[] }> {
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
  const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return { summary, rows };
}

describe('load options through the CLI', () => {
  it('-c 1,4 sweeps concurrency: one stage per value, cells labelled with their load', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-c', '1,4', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const { summary, rows } = await read(out);
    expect(summary.cells.map((cell) => cell.label)).toEqual(['ERNIE-Speed-8K @c=1', 'ERNIE-Speed-8K @c=4']);
    expect(summary.cells.map((cell) => cell.load)).toEqual([
      { kind: 'concurrency', value: 1 },
      { kind: 'concurrency', value: 4 },
    ]);
    expect(summary.stages).toHaveLength(2);
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((row) => row.seq)).size).toBe(24);
    expect(summary.load).toMatchObject({ kind: 'closed', concurrency: [1, 4], adapt: true });
  });

  it('--rate with --duration runs an open loop: offered, dispatched and completed rates side by side', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      ...FAST,
      '-d',
      'datasets/demo.csv',
      '-m',
      'ernie-speed-8k',
      '--rate',
      '40',
      '--duration',
      '1',
      '-c',
      '16',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { summary, rows } = await read(out);
    expect(rows).toHaveLength(40); // 40/s for 1 s, the 12-row dataset cycling
    const stage = summary.stages![0]!;
    expect(stage).toMatchObject({ load: { kind: 'rate', value: 40 }, offeredRatePerSec: 40, planned: 40 });
    expect(stage.dispatchedRatePerSec).toBeGreaterThan(0);
    expect(stage.late).toBeTypeOf('number');
    expect(new Set(rows.map((row) => row.repeat)).size).toBeGreaterThan(1);
  });

  it('--max-requests bounds a run and cycles a shorter dataset', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '-d', 'datasets/multiturn.jsonl', '-m', 'ernie-speed-8k', '--max-requests', '15', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const { rows } = await read(out);
    expect(rows).toHaveLength(15);
  });

  it('refuses to sweep -c and --rate at once', async () => {
    const result = await runCli(['run', ...FAST, '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--rate', '1,2', '-c', '1,2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sweep one of them at a time');
  });

  it('the adaptive limiter keeps a quota-limited run from being throttled; --no-adapt does not', async () => {
    const quota = ['--sim-opt', 'rpm=30', '--sim-opt', 'windowMs=1000', '--quota-window', '1', '--duration', '3', '-c', '32', '--retries', '0'];
    const [adaptiveOut, fixedOut] = [await tempDir(), await tempDir()];
    const [adaptive, fixed] = await Promise.all([
      runCli(['run', ...FAST, ...quota, '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--out', adaptiveOut]),
      runCli(['run', ...FAST, ...quota, '--no-adapt', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--out', fixedOut]),
    ]);
    expect(adaptive.code, adaptive.stderr).toBe(0);
    expect(fixed.code, fixed.stderr).toBe(0);
    const throttled = async (out: string): Promise<{ ok: number; throttled: number }> => {
      const { summary } = await read(out);
      return { ok: summary.cells[0]!.outcomes.ok, throttled: summary.cells[0]!.outcomes.throttled };
    };
    const a = await throttled(adaptiveOut);
    const f = await throttled(fixedOut);
    // The fixed run, at the same time on the same machine, got every request its quota admitted; the
    // adaptive one nearly as many, throttle-free (the share of the quota in 3 s is a bench figure).
    expect(a.ok).toBeGreaterThanOrEqual(0.7 * f.ok);
    expect(a.throttled).toBeLessThanOrEqual(1);
    expect(f.throttled).toBeGreaterThan(a.throttled * 10);
  });
});

describe('several qfbench processes on the same credentials', () => {
  it('converge on sharing the quota through the Remaining headers', async () => {
    const { startSimulator } = await import('../../src/sim/index.js');
    const sim = await startSimulator({ rpm: 40, windowMs: 1000, firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0 });
    try {
      const env = { QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
      const args = (out: string): string[] => [
        'run',
        '-d',
        'datasets/demo.csv',
        '-m',
        'ernie-speed-8k',
        '--duration',
        '4',
        '--quota-window',
        '1',
        '-c',
        '16',
        '--retries',
        '0',
        '--quiet',
        '--out',
        out,
      ];
      const outs = [await tempDir(), await tempDir(), await tempDir()];
      const results = await Promise.all(outs.map((out) => runCli(args(out), { env })));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      let ok = 0;
      let attempts = 0;
      for (const out of outs) {
        const { summary } = await read(out);
        ok += summary.cells[0]!.outcomes.ok;
        attempts += summary.cells[0]!.attempts;
      }
      // Three processes, one quota of 40 per second for 4 s: the server refuses few of their attempts
      // (each process learns what the others spend), a count the simulator keeps. How much of the
      // quota they used depends on when each process got going on a busy machine: not asserted.
      // Measured refusal shares for three processes range 0-10.6% on a loaded 2-core machine (the 5%
      // goal for several processes is open, see test/load/quota-share.test.ts).
      expect(sim.stats.throttled / attempts).toBeLessThan(0.2);
      expect(ok).toBeGreaterThan(40);
    } finally {
      await sim.close();
    }
  });
});
