/**
 * `compare` and `run --baseline` judge answers, end to end on the simulator: six rows whose
 * `contains` check only an echoed answer satisfies pass in the base (`--sim-opt answers=echo`) and
 * all fail in the candidate (filler answers). Exact McNemar on six pass→fail pairs: p = 2/64 =
 * 0.031 < 0.05, a regression that `--fail-on-regression` and `--baseline` exit 3 on.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--seed', '3', '--quiet'];
const NO_STEP_SUMMARY = { GITHUB_STEP_SUMMARY: undefined };

let root: string;
let dataset: string;
let base: string;

beforeAll(async () => {
  root = await tempDir();
  dataset = join(root, 'words.csv');
  const rows = Array.from({ length: 6 }, (_, i) => `w${i + 1},Say the word banana${i + 1} back to me.,contains:banana${i + 1}`);
  await writeFile(dataset, ['id,prompt,assert', ...rows, ''].join('\n'));
  base = join(root, 'base');
  const result = await runCli(['run', '--sim', '-d', dataset, '-m', 'ernie-speed-8k', '--sim-opt', 'answers=echo', ...FAST, '--out', base]);
  expect(result.code, result.stderr).toBe(0);
}, 120_000);

describe('answers judged across runs', () => {
  it('compare --fail-on-regression exits 3 and names the pass-rate regression and the rows', async () => {
    const candidate = join(root, 'candidate');
    const run = await runCli(['run', '--sim', '-d', dataset, '-m', 'ernie-speed-8k', ...FAST, '--out', candidate]);
    expect(run.code).toBe(3);
    const out = join(root, 'cmp');
    const result = await runCli(['compare', base, candidate, '--out', out, '--fail-on-regression'], { env: NO_STEP_SUMMARY });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/regression\(s\) in 1 of 1 matched cell\(s\): .*pass rate 100\.00% → 0\.00% \(p = 0\.031\)/);
    const markdown = await readFile(join(out, 'compare.md'), 'utf8');
    expect(markdown).toMatch(/\| pass rate \| 100\.00% \| 0\.00% \| −100\.00 pp \| −100\.0% \| \[−100\.00, −44\.80\] pp \| 0\.031 \| \*\*regression\*\* \|/);
    expect(markdown).toContain('6 row verdict(s) changed:');
    expect(markdown).toMatch(/\| w1 \| 0 \| \*\*pass→fail\*\* \| contains "banana1": output does not contain "banana1" \|/);
    const html = await readFile(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('row verdict changes');
  }, 120_000);

  it('run --baseline catches it too; the same answers again are no pass-rate regression', async () => {
    const worse = await runCli(['run', '--sim', '-d', dataset, '-m', 'ernie-speed-8k', ...FAST, '--out', join(root, 'worse'), '--baseline', base]);
    expect(worse.code).toBe(3);
    expect(worse.stderr).toMatch(
      /baseline .*: regression in .*: pass rate 100\.00% → 0\.00% \(−100\.00 pp\): 6 verdicts paired by row and repeat: 6 pass→fail/,
    );
    const again = await runCli([
      'run',
      '--sim',
      '-d',
      dataset,
      '-m',
      'ernie-speed-8k',
      '--sim-opt',
      'answers=echo',
      ...FAST,
      '--out',
      join(root, 'again'),
      '--baseline',
      base,
    ]);
    expect(again.stderr).not.toMatch(/regression in .*: pass rate/);
  }, 120_000);
});
