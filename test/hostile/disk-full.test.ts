/**
 * ENOSPC while a run writes: the run stops with exit 2 and one line, "disk full", naming the file,
 * and what was written before stays on disk. Before the fix: "internal error" and a stack.
 *
 * Two ways to fill a disk: a real 64 KiB tmpfs (needs root and a kernel that lets it mount; skipped
 * otherwise), and /dev/full (every write fails with ENOSPC) at the sink layer, the requests.csv
 * writer itself, which needs no privilege.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { LOCK_FILE } from '../../src/run/output-dir.js';
import { openRequestsCsv } from '../../src/report/requests-csv.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { expectOneLineError } from './output-folder-helpers.js';

const mounted: string[] = [];

function mountSmallTmpfs(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const dir of mounted) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
});

describe('a full disk', () => {
  it('stops the run with "disk full" and the path, keeping the rows written (64 KiB tmpfs)', async (context) => {
    const disk = await tempDir();
    if (!mountSmallTmpfs(disk)) return context.skip();
    const out = join(disk, 'run');
    // 1,200 answers of a few hundred bytes: far more than 64 KiB.
    const result = await runCli(
      [
        'run',
        '--sim',
        '-d',
        'datasets/demo.csv',
        '-m',
        'ernie-speed-8k',
        '--repeat',
        '100',
        '-c',
        '8',
        '--quiet',
        '--sim-opt',
        'firstChunkMs=1',
        '--sim-opt',
        'msPerOutputToken=0',
        '--out',
        out,
      ],
      { timeoutMs: 90_000 },
    );
    expect(result.code).toBe(2);
    expectOneLineError(
      result.stderr,
      new RegExp(`disk full: cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/requests\\.csv; the rows written before are kept`),
    );
    const kept = await readFile(join(out, 'requests.csv'), 'utf8');
    expect(kept.startsWith('seq,cell,model,')).toBe(true);
    expect(kept.split('\n').length).toBeGreaterThan(10);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('makes the requests.csv writer fail with a one-line "disk full" user error (/dev/full)', async () => {
    const writer = openRequestsCsv('/dev/full');
    const record = {
      seq: 0,
      cellId: 'c0',
      model: 'm',
      endpoint: 'e',
      params: '',
      rowId: 'r',
      repeat: 0,
      outcome: 'ok',
      attempts: 1,
      backoffMs: 0,
      output: 'x'.repeat(100_000),
    } as unknown as RequestRecord;
    const failure = await (async () => {
      for (let i = 0; i < 100; i++) {
        writer.write(record);
        await writer.ready();
      }
      await writer.close();
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isUserError(failure)).toBe(true);
    expect((failure as Error).message).toBe('disk full: cannot write /dev/full; the rows written before are kept');
    await writer.close().catch(() => undefined);
  });

  it('is found before the first request when the lock file cannot be written (64 KiB tmpfs filled up)', async (context) => {
    const disk = await tempDir();
    if (!mountSmallTmpfs(disk)) return context.skip();
    await mkdir(join(disk, 'run'));
    // Fill the disk: write until ENOSPC.
    execFileSync('sh', ['-c', `dd if=/dev/zero of=${join(disk, 'filler')} bs=1k count=1000 2>/dev/null || true`]);
    const result = await runCli(['run', '--sim', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--quiet', '--out', join(disk, 'run')], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /disk full: cannot write .*\.qfbench\.lock/);
    expect(existsSync(join(disk, 'run', 'requests.csv'))).toBe(false);
  });
});
