/**
 * Answer modes through `run --sim`: with `--sim-opt answers=dataset` each row is answered with its
 * `sim_answer` column, so datasets/demo-checks.csv passes its checks where the answer is right and
 * fails them (exit 3) where it is wrong by design; `answers=echo` repeats the prompt.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const fast = ['--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0'];

async function requestRows(out: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('run --sim --sim-opt answers=…', () => {
  it('answers=dataset: datasets/demo-checks.csv passes four rows, fails two by design, exit 3', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '-d',
      'datasets/demo-checks.csv',
      '-m',
      'ernie-speed-8k',
      '--sim-opt',
      'answers=dataset',
      ...fast,
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(3);
    const rows = await requestRows(out);
    const verdicts = Object.fromEntries(rows.map((row) => [row.row_id, row.assert_result]));
    expect(verdicts).toEqual({
      'capital-en': 'pass',
      'capital-zh': 'pass',
      'order-json': 'pass',
      'boiling-point': 'pass',
      'wrong-capital': 'fail',
      'not-json': 'fail',
    });
    expect(rows.find((row) => row.row_id === 'capital-zh')?.output).toBe('北京。');
  });

  it('the same dataset with the default filler answers (sync calls): its checks do not pass', async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--sim', '-d', 'datasets/demo-checks.csv', '-m', 'ernie-speed-8k', '--no-stream', ...fast, '--out', out, '--quiet']);
    expect(result.code).toBe(3);
    expect((await requestRows(out)).filter((row) => row.assert_result === 'pass').length).toBeLessThan(4);
  });

  it('answers=echo: the answer is the last user message', async () => {
    const dir = await tempDir();
    const dataset = join(dir, 'echo.csv');
    await writeFile(dataset, 'id,prompt,assert_equals\nsay,Repeat after me: hello world.,Repeat after me: hello world.\n');
    const out = join(dir, 'out');
    const result = await runCli(['run', '--sim', '-d', dataset, '-m', 'ernie-speed-8k', '--sim-opt', 'answers=echo', ...fast, '--out', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect((await requestRows(out))[0]?.assert_result).toBe('pass');
  });

  it('an unknown answer mode is one line, exit 2', async () => {
    const result = await runCli([
      'run',
      '--sim',
      '-d',
      'datasets/demo-checks.csv',
      '-m',
      'ernie-speed-8k',
      '--sim-opt',
      'answers=oracle',
      '--out',
      await tempDir(),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--sim-opt answers="oracle": expected filler or echo or dataset/);
  });
});
