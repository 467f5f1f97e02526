import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FIRST_CHUNK_MS = 60;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: FIRST_CHUNK_MS, prefillMsPerToken: 0, msPerOutputToken: 0.5, jitter: 0, seed: 3 });
});
afterAll(async () => sim.close());

function simEnv(): Record<string, string> {
  return { QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
}

async function readRequests(dir: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(dir, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('qfbench run, end to end against the simulator', () => {
  it('measures TTFT against the configured first-chunk delay and token totals against the simulator', async () => {
    const out = await tempDir();
    const before = { prompt: sim.stats.promptTokens, completion: sim.stats.completionTokens, chat: sim.stats.chatRequests };
    const result = await runCli(
      ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-m', 'ERNIE-4.0-8K', '-p', 'temperature=0.3,0.9', '-c', '8', '--out', out, '--quiet'],
      { env: simEnv() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.schemaVersion).toBe(1);
    expect(summary.run.simulated).toBe(false);
    expect(summary.cells).toHaveLength(4);
    const rows = await readRequests(out);
    const planned = summary.cells.reduce((sum, cell) => sum + cell.planned, 0);
    expect(rows).toHaveLength(planned);
    expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
    expect(sim.stats.chatRequests - before.chat).toBe(planned);
    for (const cell of summary.cells) {
      // The server holds the first chunk back FIRST_CHUNK_MS; the client can only see it later.
      // Lower bounds only: how much later the client sees it depends on the machine.
      expect(cell.ttftMs.min).toBeGreaterThanOrEqual(FIRST_CHUNK_MS);
      expect(cell.ttftMs.p50).toBeGreaterThanOrEqual(FIRST_CHUNK_MS);
      expect(cell.latencyMs.p50).toBeGreaterThanOrEqual(cell.ttftMs.p50);
    }
    const promptTokens = summary.cells.reduce((sum, cell) => sum + cell.tokens.prompt, 0);
    const completionTokens = summary.cells.reduce((sum, cell) => sum + cell.tokens.completion, 0);
    expect(promptTokens).toBe(sim.stats.promptTokens - before.prompt);
    expect(completionTokens).toBe(sim.stats.completionTokens - before.completion);
    expect(rows.every((row) => row.usage_source === 'server')).toBe(true);
    for (const file of ['summary.csv', 'report.html']) expect((await readFile(join(out, file), 'utf8')).length).toBeGreaterThan(100);
    expect(result.stdout).toContain('ERNIE-Speed-8K temperature=0.3');
  });

  it('runs the built-in simulator with --sim and says SIMULATED everywhere figures show', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '-d',
      'datasets/multiturn.jsonl',
      '-m',
      'ernie-lite-8k',
      '--sim-opt',
      'firstChunkMs=5',
      '--sim-opt',
      'msPerOutputToken=0',
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SIMULATED');
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.run.simulated).toBe(true);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('SIMULATED');
    expect(await readFile(join(out, 'summary.csv'), 'utf8')).toMatch(/true/);
  });

  it('stops on a malformed dataset before any request, naming file:line', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '{"prompt":"ok"}\n{"prompt": "unterminated\n');
    const before = sim.stats.httpRequests;
    const result = await runCli(['run', '-d', file, '-m', 'ernie-speed-8k', '--out', join(dir, 'out')], { env: simEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user error
    expect(sim.stats.httpRequests).toBe(before);
  });

  it('refuses an unknown model and a malformed parameter before any request', async () => {
    const before = sim.stats.httpRequests;
    const unknown = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-9k'], { env: simEnv() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/ernie-speed-9k: not in the model catalog; did you mean/);
    const badParam = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temperature=warm'], { env: simEnv() });
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain('temperature="warm" is not a number');
    expect(sim.stats.httpRequests).toBe(before);
  });

  it('reports bad credentials in one line without the secret, exit code 4', async () => {
    const secret = 'sk-that-must-never-show';
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--out', await tempDir()], {
      env: { ...simEnv(), QIANFAN_SK: secret },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Client authentication failed');
    expect(result.stderr).not.toContain(secret);
    // The run still records each planned request (issue #10) and ends with one error line, no stack.
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('without credentials and without --sim, says how to provide them', async () => {
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/QIANFAN_AK and QIANFAN_SK.*--sim/);
  });
});
