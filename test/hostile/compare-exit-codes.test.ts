/**
 * `compare` used to exit 0 whatever it found: with a regression, and even with zero matched cells
 * (two unrelated runs compare as "nothing changed"). Now `--fail-on-regression` exits 3 on a
 * regression (the files are still written), and zero matched cells is a configuration error
 * (exit 2) naming the cells of each side.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const RUN = [
  'run',
  '--sim',
  '-d',
  'datasets/demo.csv',
  '--repeat',
  '2',
  '-c',
  '4',
  '--seed',
  '3',
  '--quiet',
  '--sim-opt',
  'msPerOutputToken=0.5',
  '--sim-opt',
  'prefillMsPerToken=0',
  '--sim-opt',
  'jitter=0',
];
const NO_STEP_SUMMARY = { GITHUB_STEP_SUMMARY: undefined };

let base: string;
let slower: string;
let otherModel: string;

async function simRun(out: string, model: string, firstChunkMs: number): Promise<void> {
  const result = await runCli([...RUN, '-m', model, '--sim-opt', `firstChunkMs=${firstChunkMs}`, '--out', out], { timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  const root = await tempDir('qfbench-compare-exit-');
  base = join(root, 'base');
  slower = join(root, 'slower');
  otherModel = join(root, 'other');
  await simRun(base, 'ernie-speed-8k', 5);
  // Ten times slower to the first chunk: a regression whatever the machine's load adds.
  await simRun(slower, 'ernie-speed-8k', 250);
  await simRun(otherModel, 'ernie-4.0-8k', 5);
}, 120_000);

describe('compare exit codes', () => {
  it('--fail-on-regression exits 3 on a regression, after writing its files; without it, 0', async () => {
    const out = await tempDir();
    const failing = await runCli(['compare', base, slower, '--out', out, '--quiet', '--fail-on-regression'], { env: NO_STEP_SUMMARY });
    expect(failing.code, failing.stderr).toBe(3);
    expect(failing.stderr).toMatch(/error: \d+ regression\(s\) in 1 of 1 matched cell\(s\): ERNIE-Speed-8K/);
    await access(join(out, 'compare.md'));
    await access(join(out, 'compare.html'));
    const plain = await runCli(['compare', base, slower, '--out', await tempDir(), '--quiet'], { env: NO_STEP_SUMMARY });
    expect(plain.code).toBe(0);
    // No regression, no failure: the flag only fails what regressed.
    const same = await runCli(['compare', base, base, '--out', await tempDir(), '--quiet', '--fail-on-regression'], { env: NO_STEP_SUMMARY });
    expect(same.code, same.stderr).toBe(0);
  });

  it('zero matched cells is a configuration error naming both sides', async () => {
    const out = join(await tempDir(), 'cmp');
    const result = await runCli(['compare', base, otherModel, '--out', out], { env: NO_STEP_SUMMARY });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no cell matches \(cells match by model and parameters\); the base has "ERNIE-Speed-8K"; the candidate has "ERNIE-4\.0-8K"/);
    await expect(access(join(out, 'compare.md'))).rejects.toThrow();
  });
});
