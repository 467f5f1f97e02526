import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['--sim', '--sim-opt', 'firstChunkMs=2', '--sim-opt', 'msPerOutputToken=0.2', '--quiet'];

describe('text-to-image cells through the CLI', () => {
  it('run --sim -p steps=10,30 makes one cell per value, with latency per image and images per second', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '-m', 'sd_xl', '-d', 'datasets/text2image.csv', '-p', 'steps=10,30', '-p', 'n=2', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.cells.map((cell) => cell.params)).toEqual([
      { steps: 10, n: 2 },
      { steps: 30, n: 2 },
    ]);
    for (const cell of summary.cells) {
      expect(cell.model).toBe('Stable-Diffusion-XL');
      expect(cell.outcomes.ok).toBe(2);
      expect(cell.ttftMs.count).toBe(0);
      expect(cell.throughput.imagesPerSec).toBeGreaterThan(0);
    }
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      expect(row.images).toBe('2');
      expect(Number(row.ms_per_image)).toBeCloseTo(Number(row.latency_ms) / 2, 2);
      expect(row.output).toMatch(/^2 images, \d+ bytes$/);
    }
    expect((await readFile(join(out, 'summary.csv'), 'utf8')).split('\n')[0]).toContain('images_per_sec');
  });

  it('refuses before sending steps out of range and a prompt over 1,024 characters, naming FILE:LINE', async () => {
    const dir = await tempDir();
    const dataset = join(dir, 'bad.jsonl');
    await writeFile(dataset, `{"prompt":"a fox"}\n${JSON.stringify({ prompt: 'x'.repeat(1025) })}\n`);
    const result = await runCli(['run', ...FAST, '-m', 'sd_xl', '-d', dataset, '-p', 'steps=5,20', '--out', join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-p steps=5: steps must be an integer in [10, 50]');
    expect(result.stderr).not.toContain('-p steps=20');
    expect(result.stderr).toContain(`${dataset}:2: prompt has 1025 characters, more than 1024`);
  });
});
