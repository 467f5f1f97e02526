/**
 * `--out /proc/...`: procfs answers ENOENT to mkdir although the parent exists, and Node's
 * recursive mkdir retried that forever (the run spun the CPU and never ended, ignoring SIGTERM).
 * Now the run ends by itself with exit 2 and one line.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectOneLineError, quickSimRun } from './output-folder-helpers.js';

describe('--out under /proc', () => {
  it.skipIf(!existsSync('/proc/self'))('ends with exit 2 and one line instead of spinning', async () => {
    // runCli kills the child and fails the test if it has not ended by the timeout.
    const result = await runCli(quickSimRun('/proc/qfbench-test/run'), { timeoutMs: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /--out \/proc\/qfbench-test\/run: cannot create the folder \/proc\/qfbench-test: .*\(ENOENT\)/);
  });

  it.skipIf(!existsSync('/proc/self'))('ends the same way for a --junit file under /proc (written at the end of the run)', async () => {
    const { tempDir } = await import('../helpers/cli.js');
    const result = await runCli(quickSimRun(await tempDir(), ['--junit', '/proc/qfbench-test/junit.xml']), { timeoutMs: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).toContain('cannot create the folder /proc/qfbench-test');
  });
});
