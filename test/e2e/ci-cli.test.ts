/**
 * Regression testing in CI, end to end: the real CLI against the simulator, checked by exit code
 * (0 all good, 3 checks failed, 2 configuration error) and by what it wrote.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;
let dir: string;
let passing: string;
let oneFailing: string;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 20, prefillMsPerToken: 0, msPerOutputToken: 0.2, jitter: 0, seed: 5 });
  dir = await tempDir('qfbench-ci-');
  passing = join(dir, 'passing.jsonl');
  await writeFile(
    passing,
    [
      {
        id: 'capital',
        prompt: 'What is the capital of France?',
        vars: { lang: 'en' },
        assert: [
          { type: 'min-length', value: 10 },
          { type: 'not-contains', value: 'ZZZ-never' },
          { type: 'regex', value: '\\w+' },
          { type: 'max-tokens', value: 4000 },
          { type: 'latency-ms', value: 30000 },
          { type: 'javascript', value: "output.length > 0 && vars.lang === 'en'" },
        ],
      },
      { id: 'greeting', prompt: 'Say hello in Chinese.', assert: ['max-length:100000', 'not-is-json'] },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  );
  oneFailing = join(dir, 'one-failing.csv');
  await writeFile(
    oneFailing,
    'id,prompt,assert,assert_contains\nfine,Name three colours.,min-length:5,\nbroken,Name three animals.,,text that is never in an answer\n',
  );
});
afterAll(async () => sim.close());

function simEnv(): Record<string, string> {
  return { QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
}

async function requests(out: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

async function summary(out: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
}

const base = ['run', '-m', 'ernie-speed-8k', '--quiet'];

describe('qfbench run as a CI check', () => {
  it('exits 0 when every assertion passes, with the results in requests.csv, summary.json and JUnit', async () => {
    const out = join(dir, 'pass');
    const junit = join(dir, 'pass.xml');
    const result = await runCli(
      [...base, '-d', passing, '--repeat', '2', '--out', out, '--junit', junit, '--threshold', 'pass_rate>=1', '--threshold', 'error_rate<1%'],
      { env: simEnv() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = await requests(out);
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.assert_result)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const written = await summary(out);
    const cell = written.cells[0]!;
    expect(cell.assertions).toEqual({ passed: 4, failed: 0, errored: 0, skipped: 0, passRate: 1, score: 1 });
    // What decided the exit code, passing checks too.
    expect(written.checks).toMatchObject({ exitCode: 0, status: 'passed' });
    expect(written.checks?.results.map((check) => [check.kind, check.name, check.pass])).toEqual([
      ['outcome', 'requests answered', true],
      ['assertions', 'assertions', true],
      ['threshold', 'threshold pass_rate>=1', true],
      ['threshold', 'threshold error_rate<1%', true],
    ]);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('tests="4" failures="0"'); // 2 rows + 2 thresholds
    expect(xml).toContain('<testcase name="capital"');
  });

  it('exits 3 when one assertion fails, naming the row, the cell and the reason', async () => {
    const out = join(dir, 'fail');
    const summaryMd = join(dir, 'fail.md');
    const result = await runCli([...base, '-d', oneFailing, '--out', out, '--summary-md', summaryMd], { env: { ...simEnv(), GITHUB_STEP_SUMMARY: '' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'assertion failed: row "broken" × ERNIE-Speed-8K (repeat 0): contains "text that is never in an answer": output does not contain',
    );
    expect(result.stderr).not.toContain('"fine"');
    const rows = await requests(out);
    expect(Object.fromEntries(rows.map((row) => [row.row_id, row.assert_result]))).toEqual({ fine: 'pass', broken: 'fail' });
    expect(rows.find((row) => row.row_id === 'broken')!.assert_reason).toContain('output does not contain');
    expect((await summary(out)).cells[0]!.assertions?.passRate).toBe(0.5);
    const markdown = await readFile(summaryMd, 'utf8');
    expect(markdown).toContain('| ERNIE-Speed-8K | 50.0% | 1 | 1 | 0 |');
    expect(markdown).toContain('1 check(s) failed');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('check-fail');
  });

  it('exits 3 when a threshold is breached', async () => {
    const result = await runCli([...base, '-d', passing, '--out', join(dir, 'slow'), '--threshold', 'latency.p50<1', '--threshold', 'ttft.p95<60s'], {
      env: simEnv(),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/threshold latency\.p50<1 failed for ERNIE-Speed-8K: latency\.p50 = \d+\.\d ms \(limit < 1\.0 ms\)/);
    expect(result.stderr).not.toContain('ttft.p95<60s');
    const checks = (await summary(join(dir, 'slow'))).checks;
    expect(checks).toMatchObject({ exitCode: 3, status: 'failed' });
    expect(checks?.results.find((check) => check.name === 'threshold latency.p50<1')).toMatchObject({ pass: false, cell: 'ERNIE-Speed-8K' });
    expect(checks?.results.find((check) => check.name === 'threshold ttft.p95<60s')?.pass).toBe(true);
  });

  it('exits 3 on a threshold whose metric has no samples, and says why', async () => {
    const result = await runCli([...base, '-d', passing, '--no-stream', '--out', join(dir, 'nostream'), '--threshold', 'ttft.p95<800'], { env: simEnv() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'threshold ttft.p95<800 failed for ERNIE-Speed-8K: ttft.p95: no samples: ttft is measured on streamed answers only and the run used --no-stream',
    );
  });

  it('exits 2 on a malformed threshold, from a flag or a config file, before anything is sent', async () => {
    const before = sim.stats.httpRequests;
    const flag = await runCli([...base, '-d', passing, '--out', join(dir, 'never'), '--threshold', 'ttft.p95 << 800'], { env: simEnv() });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--threshold: "ttft.p95 << 800": limit "< 800" is not a number');
    const config = join(dir, 'bad-threshold.yaml');
    await writeFile(config, `datasets: [${JSON.stringify(passing)}]\nmodels: [ernie-speed-8k]\nthresholds:\n  - error_rate<0.01\n  - latency.p100<5000\n`);
    const file = await runCli(['run', '--config', config, '--quiet'], { env: simEnv() });
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`${config}:5:5: thresholds[1]: "latency.p100<5000": latency needs a statistic`);
    expect(sim.stats.httpRequests).toBe(before);
  });

  it('takes settings from a config file, with flags winning', async () => {
    const config = join(dir, 'ci.yaml');
    await writeFile(config, `datasets: [${JSON.stringify(oneFailing)}]\nmodels: [ernie-speed-8k]\nrepeat: 3\nquiet: true\n`);
    const out = join(dir, 'config');
    const result = await runCli(['run', '--config', config, '--repeat', '1', '-d', passing, '--out', out], { env: simEnv() });
    expect(result.code).toBe(0);
    expect((await requests(out)).map((row) => row.row_id).sort()).toEqual(['capital', 'greeting']);
  });

  it('replays a recording with no server running and gets the same assertion results as the recorded run', async () => {
    const recording = join(dir, 'recording');
    const recorded = join(dir, 'recorded');
    const live = await runCli([...base, '-d', oneFailing, '-d', passing, '--repeat', '2', '--out', recorded, '--record', recording], { env: simEnv() });
    expect(live.code).toBe(3);

    const before = sim.stats.httpRequests;
    const replayed = join(dir, 'replayed');
    // No credentials and no base URL: a replay needs neither.
    const replay = await runCli([
      ...base,
      '-d',
      oneFailing,
      '-d',
      passing,
      '--repeat',
      '2',
      '--out',
      replayed,
      '--replay',
      recording,
      '--threshold',
      'latency.p95<5000',
    ]);
    expect(sim.stats.httpRequests).toBe(before);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toContain('latency.p95: no samples: the answers were replayed (--replay)');

    const results = (rows: Record<string, string>[]): string[] =>
      rows.map((row) => `${row.row_id}#${row.repeat}: ${row.assert_result} ${row.assert_reason}`).sort();
    const liveRows = await requests(recorded);
    const replayRows = await requests(replayed);
    expect(results(replayRows)).toEqual(results(liveRows));
    expect(replayRows.every((row) => row.replayed === 'true' && row.latency_ms === '' && row.ttft_ms === '')).toBe(true);
    expect(replayRows.map((row) => row.output).sort()).toEqual(liveRows.map((row) => row.output).sort());
    const replaySummary = await summary(replayed);
    expect(replaySummary.run.replayedFrom).toBe(recording);
    expect(replaySummary.cells[0]!.replayed).toBe(8);
    expect(replaySummary.cells[0]!.latencyMs.count).toBe(0);
    expect(replaySummary.cells[0]!.assertions).toEqual((await summary(recorded)).cells[0]!.assertions);
  });

  it('refuses a replay that lacks a recorded answer, naming the row', async () => {
    const recording = join(dir, 'small-recording');
    expect((await runCli([...base, '-d', passing, '--out', join(dir, 'small'), '--record', recording], { env: simEnv() })).code).toBe(0);
    const result = await runCli([...base, '-d', oneFailing, '--out', join(dir, 'missing'), '--replay', recording]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no recorded answer for row "fine" (${oneFailing}:2) × ERNIE-Speed-8K`);
  });

  it('compares with a baseline: an identical replay has no regression and no changed answer', async () => {
    const recording = join(dir, 'baseline-recording');
    const baseline = join(dir, 'baseline');
    expect((await runCli([...base, '-d', passing, '--repeat', '3', '--out', baseline, '--record', recording], { env: simEnv() })).code).toBe(0);
    const junit = join(dir, 'baseline.xml');
    const result = await runCli([
      'run',
      '-m',
      'ernie-speed-8k',
      '-d',
      passing,
      '--repeat',
      '3',
      '--out',
      join(dir, 'against-baseline'),
      '--replay',
      recording,
      '--baseline',
      baseline,
      '--junit',
      junit,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`baseline ${baseline}: no answer changed`);
    expect(await readFile(junit, 'utf8')).toContain(`<testsuite name="baseline ${baseline}"`);
  });

  it('exits 3 on a regression beyond --tolerance against the baseline, and lists the changed answers', async () => {
    const baseline = join(dir, 'fast-baseline');
    expect((await runCli([...base, '-d', passing, '--repeat', '5', '--out', baseline], { env: simEnv() })).code).toBe(0);
    // Slower, and with another seed: other answers.
    const slow = await startSimulator({ firstChunkMs: 200, prefillMsPerToken: 0, msPerOutputToken: 0.2, jitter: 0, seed: 6 });
    try {
      const env = { QIANFAN_BASE_URL: slow.url, QIANFAN_AK: slow.credentials.ak, QIANFAN_SK: slow.credentials.sk };
      const result = await runCli(
        [...base, '-d', passing, '--repeat', '5', '--out', join(dir, 'slow-candidate'), '--baseline', baseline, '--tolerance', '10%'],
        { env },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(`error: baseline ${baseline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: regression in ERNIE-Speed-8K: TTFT p50 \\+\\d`),
      );
      expect(result.stderr).toContain(`warning: baseline ${baseline}: 10 answer(s) changed:`);
      expect(result.stderr).toContain('row "capital" × ERNIE-Speed-8K (repeat 0)');
    } finally {
      await slow.close();
    }
  });
});
