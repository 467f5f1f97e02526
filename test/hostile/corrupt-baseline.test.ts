/**
 * A corrupt --baseline (no summary.json, not JSON, a field of the wrong type, a damaged
 * requests.csv) is found before the first request: exit 2, one line, and the server saw nothing
 * (counted by the simulator itself). It used to be read only after the last request, so a whole
 * run was spent before the mistake showed, with a stack.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const RUN = ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--no-stream', '--quiet'];

let sim: RunningSimulator;
let good: string;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
  good = join(await tempDir(), 'good');
  const result = await runCli([...RUN, '--out', good], { env: env() });
  expect(result.code, result.stderr).toBe(0);
}, 120_000);

// close() destroys lingering sockets and pending timers too.
afterAll(async () => sim.close());

function env(): Record<string, string> {
  return { QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
}

async function copyOfGood(): Promise<string> {
  const dir = join(await tempDir(), 'baseline');
  await cp(good, dir, { recursive: true });
  return dir;
}

const CORRUPTIONS: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
  ['no summary.json', (dir) => rm(join(dir, 'summary.json')), /--baseline .*: no summary\.json there/],
  ['summary.json not JSON', (dir) => writeFile(join(dir, 'summary.json'), '{"schemaVersion": 1,'), /--baseline: .*summary\.json: not valid JSON/],
  [
    'summary.json with a wrong type',
    async (dir) => {
      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { cells: Array<{ ttftMs: { p95: unknown } }> };
      summary.cells[0]!.ttftMs.p95 = [1];
      await writeFile(join(dir, 'summary.json'), JSON.stringify(summary));
    },
    /--baseline: .*summary\.json: cells\[0\]\.ttftMs\.p95: expected number, got array/,
  ],
  ['requests.csv of another tool', (dir) => writeFile(join(dir, 'requests.csv'), 'a,b\n1,2\n'), /--baseline: .*requests\.csv:1: not a qfbench requests\.csv/],
  [
    'requests.csv with an unclosed quote',
    async (dir) => writeFile(join(dir, 'requests.csv'), `${(await readFile(join(dir, 'requests.csv'), 'utf8')).split('\n')[0]}\n0,"c1\n`),
    /--baseline: .*requests\.csv/,
  ],
];

describe('a corrupt --baseline', () => {
  it.each(CORRUPTIONS)(
    '(%s) is refused before the first request',
    async (_name, corrupt, message) => {
      const baseline = await copyOfGood();
      await corrupt(baseline);
      const before = sim.stats.httpRequests;
      const result = await runCli([...RUN, '--baseline', baseline, '--out', join(await tempDir(), 'run')], { env: env() });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).toMatch(message);
      expect(sim.stats.httpRequests - before).toBe(0);
    },
    60_000,
  );

  it('a sound baseline still runs and compares', async () => {
    const before = sim.stats.chatRequests;
    const result = await runCli([...RUN, '--baseline', good, '--out', join(await tempDir(), 'run')], { env: env() });
    expect(result.code, result.stderr).not.toBe(2);
    expect(sim.stats.chatRequests - before).toBe(12);
  }, 60_000);
});
