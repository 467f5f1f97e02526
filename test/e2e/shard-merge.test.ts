/**
 * One plan in three shards, as a Kubernetes Indexed Job runs it: three CLI processes with
 * `--shards 3` and JOB_COMPLETION_INDEX 0, 1, 2 against one simulator with a quota, then
 * `qfbench merge` with a threshold and JUnit. The merge holds every planned request exactly once,
 * its percentiles are those of one histogram over all its rows, and the checks gate on the whole.
 * The proof refuses a folder given twice, a missing shard and another plan.
 */
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistogram, recordMs, summarise } from '../../src/metrics/histogram.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const PLAN = ['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-m', 'ernie-4.0-8k', '-p', 'temperature=0.3,0.9', '--repeat', '2', '-c', '4', '--quiet'];
/** demo.csv's 6 rows x 2 models x 2 temperatures x 2 repeats. */
const PLANNED = 96;

async function readRun(dir: string): Promise<{ summary: RunSummary; rows: Record<string, string>[] }> {
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  const rows = parse(await readFile(join(dir, 'requests.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  return { summary, rows };
}

describe('three shards of one plan, merged', () => {
  let sim: RunningSimulator;
  let root: string;
  const shards: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ rpm: 600, windowMs: 60_000, firstChunkMs: 3, msPerOutputToken: 0.1, jitter: 0 });
    root = await tempDir();
    const env = { QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
    for (let index = 0; index < 3; index++) shards.push(join(root, `shard-${index}`));
    const results = await Promise.all(
      shards.map((out, index) =>
        runCli(['run', ...PLAN, '--shards', '3', '--rpm', '600', '--out', out], { env: { ...env, JOB_COMPLETION_INDEX: String(index) } }),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it('each shard sends a disjoint, balanced slice and names it, with the plan hash and its share of --rpm', async () => {
    const runs = await Promise.all(shards.map(readRun));
    const hashes = new Set(runs.map((run) => run.summary.run.plan?.hash));
    expect(hashes.size).toBe(1);
    expect(runs.map((run) => run.summary.run.shard)).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));
    const seqs = runs.flatMap((run) => run.rows.map((row) => Number(row.seq)));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toHaveLength(PLANNED);
    // Cells balanced: each shard has a third (rounded) of each cell's 24 requests.
    for (const run of runs) for (const cell of run.summary.cells) expect(cell.planned).toBe(8);
    const manifest = JSON.parse(await readFile(join(shards[0] as string, 'run.json'), 'utf8')) as { config: { rpm: number } };
    // run.json keeps the figure the user gave; the limiter of each shard spent a third of it.
    expect(manifest.config.rpm).toBe(600);
    // The simulator answered every planned request once, and refused none as over quota.
    expect(sim.stats.throttled).toBe(0);
  }, 60_000);

  it('merges every planned request exactly once, percentiles equal to one histogram over all rows, checks gating the whole', async () => {
    const out = join(root, 'merged');
    const junit = join(root, 'junit.xml');
    const result = await runCli(['merge', ...shards, '--out', out, '--threshold', 'latency.p99<60s', '--junit', junit]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('time windows overlapped');
    const { summary, rows } = await readRun(out);
    expect(rows).toHaveLength(PLANNED);
    expect(new Set(rows.map((row) => Number(row.seq)))).toEqual(new Set(Array.from({ length: PLANNED }, (_, seq) => seq)));
    expect(summary.run.merged?.runs).toHaveLength(3);
    expect(summary.run.merged?.forced).toBe(false);
    expect(summary.cells.reduce((sum, cell) => sum + cell.planned, 0)).toBe(PLANNED);
    for (const cell of summary.cells) {
      const histogram = createHistogram();
      for (const row of rows) if (row.cell === cell.id && row.outcome === 'ok') recordMs(histogram, Number(row.latency_ms));
      const fromRows = summarise(histogram);
      expect([cell.latencyMs.count, cell.latencyMs.p50, cell.latencyMs.p90, cell.latencyMs.p99, cell.latencyMs.max]).toEqual([
        fromRows.count,
        fromRows.p50,
        fromRows.p90,
        fromRows.p99,
        fromRows.max,
      ]);
    }
    expect(await readFile(join(out, 'summary.csv'), 'utf8')).toContain('merged 3 runs');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('MERGED from 3 runs');
    expect(await readFile(junit, 'utf8')).toContain('latency.p99');

    const failing = await runCli(['merge', ...shards, '--out', join(root, 'merged-failing'), '--threshold', 'latency.p50<0.001']);
    expect(failing.code, failing.stderr).toBe(3);
    expect(failing.stderr).toContain('threshold latency.p50<0.001 failed');
  }, 120_000);

  it('refuses a folder given twice, a missing shard, a shard twice and another plan (exit 2, one line naming them)', async () => {
    const [a, b, c] = shards as [string, string, string];
    const twice = await runCli(['merge', a, a, b, c, '--out', join(root, 'twice')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('are the same folder');
    const missing = await runCli(['merge', a, b, '--out', join(root, 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 3/3 is missing');
    const copy = join(root, 'copy-of-2');
    await cp(b, copy, { recursive: true });
    const duplicated = await runCli(['merge', a, b, copy, c, '--out', join(root, 'duplicated')]);
    expect(duplicated.code).toBe(2);
    expect(duplicated.stderr).toMatch(/shard 2\/3 is in .* and .*copy-of-2/);
    const other = join(root, 'other-plan');
    const otherRun = await runCli(['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--shard', '3/3', '--quiet', '--out', other]);
    expect(otherRun.code, otherRun.stderr).toBe(0);
    const mixed = await runCli(['merge', a, b, other, '--out', join(root, 'mixed')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('ran another plan');
    expect(mixed.stderr.trim().split('\n')).toHaveLength(1);
    const forced = await runCli(['merge', a, b, other, '--out', join(root, 'forced'), '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('FORCED');
    expect((await readRun(join(root, 'forced'))).summary.run.merged?.forced).toBe(true);
    // Seven CLI processes in a row: on a busy 2-core machine that passes the default 30 s.
  }, 180_000);
});
