/**
 * A requests.csv torn by a crash (or edited by hand) given to `report`, `compare` or `merge` is a
 * one-line configuration error naming the file and line, not an internal error with a stack.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let dir: string;
/** The other shard of dir's plan, whole: a merge of the two reads dir's torn file. */
let otherShard: string;

beforeAll(async () => {
  const root = await tempDir();
  dir = join(root, 'run');
  otherShard = join(root, 'other-shard');
  const plan = ['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--max-requests', '4', '--seed', '3', '--quiet'];
  for (const [out, shard] of [
    [dir, '1/2'],
    [otherShard, '2/2'],
  ] as const) {
    const made = await runCli([...plan, '--shard', shard, '--out', out]);
    expect(made.code, made.stderr).toBe(0);
  }
  // A quoted field the crash cut short: csv-parse reports an unclosed quote.
  await appendFile(join(dir, 'requests.csv'), '999,"cut short by a crash');
}, 60_000);

describe('a torn requests.csv', () => {
  it.each([
    ['report', () => ['report', dir]],
    ['compare', () => ['compare', dir, dir]],
    ['merge', async () => ['merge', dir, otherShard, '--out', join(await tempDir(), 'merged')]],
  ])('%s exits 2 with one line naming the file', async (_name, args) => {
    const result = await runCli(await args());
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(join(dir, 'requests.csv'));
    expect(result.stderr).toMatch(/malformed requests\.csv/);
    expect(result.stderr).not.toMatch(/internal error|^\s+at /m);
  });
});
