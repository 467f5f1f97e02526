/**
 * A folder that already holds a run is not overwritten silently: refused (exit 2, nothing sent)
 * without --force; with it, the earlier run's files are replaced together. Before the fix a second
 * run into the folder overwrote it and exited 0.
 */
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { LOCK_FILE } from '../../src/run/output-dir.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { expectOneLineError, strictRequestRows } from './output-folder-helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
});
afterAll(async () => sim.close());

const env = (): Record<string, string> => ({ QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk });
const run = (out: string, extra: string[] = []): string[] => ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--quiet', '--out', out, ...extra];

describe('an --out folder that already holds a run', () => {
  it('is refused without --force, before anything is sent, and left as it was', async () => {
    const out = await tempDir();
    const first = await runCli(run(out), { env: env() });
    expect(first.code, first.stderr).toBe(0);
    const before = await readFile(join(out, 'summary.json'), 'utf8');
    const sent = sim.stats.httpRequests;

    const again = await runCli(run(out, ['--repeat', '2']), { env: env() });
    expect(again.code).toBe(2);
    expectOneLineError(again.stderr, new RegExp(`already holds a run \\(requests\\.csv, summary\\.json, run\\.json\\); give --force to replace it`));
    expect(sim.stats.httpRequests).toBe(sent);
    expect(await readFile(join(out, 'summary.json'), 'utf8')).toBe(before);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);

    // Either marker is enough: a run that was killed before its summary left only requests.csv.
    const partial = await tempDir();
    await writeFile(join(partial, 'requests.csv'), 'seq\n');
    expect((await runCli(run(partial), { env: env() })).code).toBe(2);
  });

  it("is replaced with --force: every file is the new run's", async () => {
    const out = await tempDir();
    const first = await runCli(run(out), { env: env() });
    expect(first.code, first.stderr).toBe(0);
    const oldHtml = await stat(join(out, 'report.html'));
    const forced = await runCli(run(out, ['--repeat', '2', '--force']), { env: env() });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await strictRequestRows(out)).toHaveLength(24);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.run.repeat).toBe(2);
    expect((await readFile(join(out, 'summary.csv'), 'utf8')).length).toBeGreaterThan(0);
    expect((await stat(join(out, 'report.html'))).mtimeMs).toBeGreaterThanOrEqual(oldHtml.mtimeMs);
  });
});
