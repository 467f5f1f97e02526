/**
 * An --out folder qfbench cannot write: exit 2 with one line before the first request, never
 * "internal error" and a stack. The tests run as root, which ignores permission bits, so the
 * folders are ones that fail for root too: an immutable folder (`chattr +i`, when the file system
 * and the container allow it), a folder in sysfs, and, when not root, a folder without write
 * permission.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { expectOneLineError, quickSimRun } from './output-folder-helpers.js';

const isRoot = process.getuid?.() === 0;
const immutable: string[] = [];

function tryChattr(flag: '+i' | '-i', path: string): boolean {
  try {
    execFileSync('chattr', [flag, path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const path of immutable) tryChattr('-i', path);
});

describe('an --out folder that cannot be written', () => {
  it('refuses an immutable folder (chattr +i; skipped where chattr is refused)', async (context) => {
    const dir = join(await tempDir(), 'frozen');
    await mkdir(dir);
    if (!tryChattr('+i', dir)) return context.skip();
    immutable.push(dir);
    const result = await runCli(quickSimRun(dir));
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /--out .*frozen: cannot create .*\.qfbench\.lock: operation not permitted/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a folder in sysfs, which nobody may create', async (context) => {
    if (!existsSync('/sys/kernel')) return context.skip();
    const result = await runCli(quickSimRun('/sys/kernel/qfbench-test-run'));
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /--out \/sys\/kernel\/qfbench-test-run: cannot create the folder/);
  });

  it.skipIf(isRoot)('refuses a folder without write permission (not as root: root ignores it)', async () => {
    const dir = join(await tempDir(), 'readonly');
    await mkdir(dir);
    await chmod(dir, 0o500);
    const result = await runCli(quickSimRun(join(dir, 'run')));
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /permission denied/);
  });
});
