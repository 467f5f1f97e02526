/**
 * claimOutputDir in-process: the lock is exclusive, released once, and an earlier run's files are
 * refused or (with `overwrite`) removed together. The CLI cases are in test/hostile/.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimOutputDir, LOCK_FILE, OutputDirInUse } from '../../src/run/output-dir.js';
import { makeFolder } from '../../src/util/fs-util.js';
import { tempDir } from '../helpers/cli.js';

describe('claimOutputDir', () => {
  it('holds the folder exclusively until released, with pid, host and start time in the lock', async () => {
    const dir = join(await tempDir(), 'run');
    const claimed = await claimOutputDir(dir, { existingRun: 'refuse' });
    const holder = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(typeof holder['startedAt']).toBe('string');
    const listeners = process.listenerCount('exit');

    const second = await claimOutputDir(dir, { existingRun: 'overwrite' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(OutputDirInUse);
    expect((second as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);

    await claimed.release();
    await claimed.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(process.listenerCount('exit')).toBe(listeners - 1);
    await (await claimOutputDir(dir, { existingRun: 'refuse' })).release();
  });

  it("refuses a folder holding a run, or clears that run's files for an overwrite", async () => {
    const dir = await tempDir();
    for (const file of ['requests.csv', 'summary.json', 'summary.csv', 'report.html', 'notes.txt']) await writeFile(join(dir, file), 'old');
    await expect(claimOutputDir(dir, { existingRun: 'refuse' })).rejects.toThrow(/already holds a run \(requests\.csv, summary\.json\)/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const claimed = await claimOutputDir(dir, { existingRun: 'overwrite' });
    expect(claimed.existing).toEqual(['requests.csv', 'summary.json']);
    for (const file of ['requests.csv', 'summary.json', 'summary.csv', 'report.html']) expect(existsSync(join(dir, file))).toBe(false);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('old');
    await claimed.release();
  });
});

describe('makeFolder', () => {
  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc, where recursive mkdir retried forever', async () => {
    await expect(makeFolder('/proc/qfbench-unit/a/b')).rejects.toThrow(/cannot create the folder \/proc\/qfbench-unit: .*ENOENT/);
  });

  it('creates missing parents and accepts an existing folder', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'c');
    await makeFolder(dir);
    await makeFolder(dir);
    expect(existsSync(dir)).toBe(true);
  });
});
