/**
 * `qfbench report` and `qfbench compare` end to end: the real CLI, runs on the built-in simulator.
 * Two runs with the same simulator seed and settings must compare as "no significant change";
 * a candidate against a simulator ~40% slower to the first chunk must show a TTFT regression.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const FIRST_CHUNK_MS = 100;
const RUN = [
  'run',
  '--sim',
  '-d',
  'datasets/demo.csv',
  '-m',
  'ernie-speed-8k',
  '-m',
  'ernie-4.0-8k',
  '--repeat',
  '2',
  '-c',
  '8',
  '--seed',
  '7',
  '--quiet',
  '--sim-opt',
  'msPerOutputToken=2',
  '--sim-opt',
  'prefillMsPerToken=0',
];
const NO_STEP_SUMMARY = { GITHUB_STEP_SUMMARY: undefined };

let root: string;
let base: string;
let same: string;
let slower: string;

async function simRun(out: string, firstChunkMs: number): Promise<void> {
  const result = await runCli([...RUN, '--sim-opt', `firstChunkMs=${firstChunkMs}`, '--out', out], { timeoutMs: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** Markdown table rows of one metric: [cell, metric, base, candidate, delta, delta%, ci, p, verdict]. */
function rows(markdown: string, metric: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && line.split(' | ')[1] === metric)
    .map((line) => line.slice(2, -2).split(' | '));
}

beforeAll(async () => {
  root = await tempDir('qfbench-compare-');
  base = join(root, 'base');
  same = join(root, 'same');
  slower = join(root, 'slower');
  // Sequential: parallel runs would compete for the CPU and blur the timings being compared.
  await simRun(base, FIRST_CHUNK_MS);
  await simRun(same, FIRST_CHUNK_MS);
  await simRun(slower, Math.round(FIRST_CHUNK_MS * 1.4));
}, 120_000);

describe('qfbench report DIR', () => {
  it('rebuilds report.html (with charts) and summary.csv from summary.json and requests.csv', async () => {
    const summaryCsv = await readFile(join(base, 'summary.csv'), 'utf8');
    await rm(join(base, 'report.html'));
    await rm(join(base, 'summary.csv'));
    const result = await runCli(['report', base], { env: NO_STEP_SUMMARY });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/wrote .*report\.html and .*summary\.csv \(48 requests, 48 in the table\)/);
    expect(await readFile(join(base, 'summary.csv'), 'utf8')).toBe(summaryCsv);
    const html = await readFile(join(base, 'report.html'), 'utf8');
    expect(html).toContain('SIMULATED');
    expect((html.match(/<svg role="img"/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('id="requests-table"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('--excel writes the BOM; a folder that is not a run is a one-line error, exit 2', async () => {
    const excel = await runCli(['report', base, '--excel', '--quiet']);
    expect(excel.code).toBe(0);
    expect(excel.stderr).toBe('');
    expect((await readFile(join(base, 'summary.csv'))).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const missing = await runCli(['report', join(root, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no summary\.json/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('qfbench compare BASE CANDIDATE', () => {
  it('finds no significant change between two runs of the same seed and settings', async () => {
    const out = join(root, 'cmp-same');
    const summaryMd = join(root, 'summary-same.md');
    const stepSummary = join(root, 'step-summary.md');
    await writeFile(stepSummary, '');
    // Same seed, same planned delays; what differs is the machine's scheduling, which shows in the
    // tails (TTFT p99 +15.5% was seen with a CPU-heavy job beside the suite). The tolerance absorbs
    // that noise; the test below finds a 40% slower simulator at the default 5%.
    const result = await runCli(['compare', base, same, '--out', out, '--summary-md', summaryMd, '--tolerance', '0.5'], {
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    });
    expect(result.code).toBe(0);
    const markdown = await readFile(join(out, 'compare.md'), 'utf8');
    expect(result.stdout).toBe(markdown);
    expect(await readFile(summaryMd, 'utf8')).toBe(markdown);
    expect(await readFile(stepSummary, 'utf8')).toBe(`${markdown}\n`);
    expect(markdown).toContain('**0 regression(s), 0 improvement(s)** in 2 matched cell(s)');
    for (const metric of ['latency p50', 'latency p95', 'TTFT p50', 'TTFT p95', 'TTFT p99', 'error rate']) {
      const found = rows(markdown, metric);
      expect(found, metric).toHaveLength(2);
      for (const row of found) expect(row[8], `${metric}: ${row.join(' | ')}`).toBe('no significant change');
    }
    const html = await readFile(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('SIMULATED');
    expect(html).toMatch(/<svg role="img"/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('shows a TTFT regression against a slower simulator', async () => {
    const out = join(root, 'cmp-slower');
    const result = await runCli(['compare', base, slower, '--out', out, '--quiet'], { env: NO_STEP_SUMMARY });
    expect(result.code).toBe(0); // only --fail-on-regression fails on one (test/hostile/compare-exit-codes.test.ts)
    expect(result.stderr).toBe('');
    const ttft = rows(result.stdout, 'TTFT p50');
    expect(ttft).toHaveLength(2);
    for (const row of ttft) {
      expect(row[8], row.join(' | ')).toBe('**regression**');
      expect(Number(row[5]!.replace(/[+%]/g, ''))).toBeGreaterThan(20);
      // The interval of the difference lies above 0.
      expect(row[6]).toMatch(/^\[\+\d/);
    }
    expect(result.stdout).toMatch(/\*\*[1-9]\d* regression\(s\)/);
  });

  it('refuses a bad tolerance and a folder without requests.csv', async () => {
    const bad = await runCli(['compare', base, same, '--tolerance', '50', '--out', join(root, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/did you mean 50%/);
    const empty = await tempDir();
    const missing = await runCli(['compare', base, empty, '--out', join(root, 'y')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/summary\.json: missing/);
  });

  it('is listed in --help', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/qfbench report <dir>/);
    expect(help.stdout).toMatch(/qfbench compare <base> <candidate>/);
  });
});
