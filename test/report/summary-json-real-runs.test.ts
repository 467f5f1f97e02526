/**
 * The summary.json schema against summaries real runs write: sync, stream with a parameter grid,
 * embeddings, a concurrency sweep, open loop, assertions with thresholds and JUnit, an unpriced
 * model (null costs), cost with a budget and an estimate check, a merge of two shards. Each must read back through the validating
 * reader unchanged (nothing refused, nothing stripped), so the schema matches what qfbench writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSummaryJson } from '../../src/report/summary-json.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['run', '--sim', '--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--quiet'];
const DEMO = ['-d', 'datasets/demo.csv'];

let root: string;
let assertions: string;

beforeAll(async () => {
  root = await tempDir();
  assertions = join(root, 'assertions.jsonl');
  await writeFile(
    assertions,
    [
      JSON.stringify({ id: 'never', prompt: 'say hi', assert: [{ type: 'contains', value: 'not-in-any-answer' }] }),
      JSON.stringify({ id: 'short', prompt: 'say bye', assert: [{ type: 'javascript', value: 'output.length > 0' }] }),
    ].join('\n') + '\n',
  );
});

/** Name, run flags, exit code, and a field the variant must have written (so the schema's optional parts are exercised). */
const VARIANTS: Array<[string, () => string[], number, string]> = [
  ['sync', () => [...DEMO, '-m', 'ernie-speed-8k', '--no-stream'], 0, 'cost.tokens'],
  ['stream with a grid', () => [...DEMO, '-m', 'ernie-speed-8k', '--stream', '-p', 'temperature=0.3,0.9'], 0, 'run.paramGrid.temperature'],
  ['embeddings beside chat', () => [...DEMO, '-m', 'embedding-v1', '-m', 'ernie-lite-8k'], 0, 'cells.1'],
  ['concurrency sweep', () => [...DEMO, '-m', 'ernie-speed-8k', '-c', '1,2'], 0, 'stages.1.load'],
  ['open loop', () => [...DEMO, '-m', 'ernie-speed-8k', '--rate', '50', '--max-requests', '6'], 0, 'stages.0.offeredRatePerSec'],
  [
    'assertions and thresholds',
    () => ['-d', assertions, '-m', 'ernie-speed-8k', '--threshold', 'latency.p99<60s', '--threshold', 'pass_rate>=0.99', '--junit', join(root, 'junit.xml')],
    3,
    'cells.0.assertions.passRate',
  ],
  ['an unpriced model', () => [...DEMO, '-m', 'meta-llama-3-8b'], 0, 'cost.unpricedModels.0'],
  ['cost, budget and estimate', () => [...DEMO, '-m', 'ernie-4.0-8k', '--estimate-check', '--max-cost', '100'], 0, 'cost.estimateCheck.estimate.costCny'],
];

async function expectRoundTrip(dir: string, has?: string): Promise<void> {
  const path = join(dir, 'summary.json');
  const written: unknown = JSON.parse(await readFile(path, 'utf8'));
  const read = await readSummaryJson(path);
  expect(read).toEqual(written);
  if (has !== undefined)
    expect(
      has.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], read),
      has,
    ).toBeDefined();
}

describe('summary.json of real runs through the validating reader', () => {
  it.each(VARIANTS)(
    '%s',
    async (name, args, code, has) => {
      const out = join(root, name.replace(/\W+/g, '-'));
      const result = await runCli([...FAST, ...args(), '--out', out], { timeoutMs: 90_000 });
      expect(result.code, result.stderr).toBe(code);
      await expectRoundTrip(out, has);
    },
    120_000,
  );

  it('a merge of two shards', async () => {
    const [a, b, merged] = ['merge-a', 'merge-b', 'merged'].map((name) => join(root, name)) as [string, string, string];
    for (const [dir, shard] of [
      [a, '1/2'],
      [b, '2/2'],
    ] as const) {
      const result = await runCli([...FAST, ...DEMO, '-m', 'ernie-speed-8k', '--shard', shard, '--out', dir]);
      expect(result.code, result.stderr).toBe(0);
    }
    const result = await runCli(['merge', a, b, '--out', merged, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    await expectRoundTrip(merged);
  }, 120_000);
});
