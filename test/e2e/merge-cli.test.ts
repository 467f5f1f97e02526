import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createHistogram, recordMs, summarise } from '../../src/metrics/histogram.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const RUN = ['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temperature=0.3,0.9', '--sim-opt', 'msPerOutputToken=1', '--quiet'];

describe('qfbench merge', () => {
  it('adds the shards: counts sum, and percentiles come from the added histograms, equal to those of all requests together', async () => {
    const [a, b, out] = [await tempDir(), await tempDir(), await tempDir()];
    // Two shards of one plan, answered by simulators of different speeds.
    expect((await runCli([...RUN, '--shard', '1/2', '--sim-opt', 'firstChunkMs=20', '--out', a])).code).toBe(0);
    expect((await runCli([...RUN, '--shard', '2/2', '--sim-opt', 'firstChunkMs=60', '--out', b])).code).toBe(0);
    const result = await runCli(['merge', a, b, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const merged = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(merged.cells).toHaveLength(2);
    expect(merged.cells.map((cell) => cell.planned)).toEqual([12, 12]);
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    // The plan's sequence numbers, each once.
    expect(new Set(rows.map((row) => Number(row.seq)))).toEqual(new Set(Array.from({ length: 24 }, (_, seq) => seq)));
    for (const cell of merged.cells) {
      // The same percentiles as one histogram of every request of that cell across both shards.
      const all = createHistogram();
      for (const row of rows.filter((r) => r.cell === cell.id && r.outcome === 'ok')) recordMs(all, Number(row.ttft_ms));
      expect(cell.ttftMs).toEqual(summarise(all));
    }
    // Both shards are in each merged cell: its extremes are the shards' extremes (no bound on how fast either shard was).
    const shards = await Promise.all([a, b].map(async (dir) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary));
    for (const [index, cell] of merged.cells.entries()) {
      const parts = shards.map((shard) => shard.cells[index]!.ttftMs);
      expect(cell.ttftMs.min).toBe(Math.min(...parts.map((part) => part.min)));
      expect(cell.ttftMs.max).toBe(Math.max(...parts.map((part) => part.max)));
    }
    expect(merged.cells[0]!.ttftMs.max).toBeGreaterThanOrEqual(60);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('SIMULATED');
    // Three CLI runs in a row: on a busy 2-core machine that can pass the default 30 s.
  }, 120_000);

  it('needs two folders that hold runs', async () => {
    const result = await runCli(['merge', 'no-such-folder', 'nor-this', '--out', await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('merge: no-such-folder');
  });
});
