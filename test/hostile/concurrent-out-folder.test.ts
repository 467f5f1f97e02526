/**
 * Two runs into one --out folder: the first takes it with a lock file, the second is refused
 * (exit 2, one line naming the folder and the holder) and the first's requests.csv stays valid
 * UTF-8 and well-formed. Before the fix both exited 0 and interleaved one requests.csv.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { LOCK_FILE } from '../../src/run/output-dir.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { expectOneLineError, lineCount, quickSimRun, slowSimRun, strictRequestRows, waitUntil } from './output-folder-helpers.js';

describe('one --out folder, two runs', () => {
  it('refuses the second run while the first holds the folder, and the first writes a clean requests.csv', async () => {
    const out = await tempDir();
    let firstEnded = false;
    let firstPid: number | undefined;
    // 120 requests, slow enough that the second run starts while the first is writing.
    const first = runCli([...slowSimRun(out, 10), '--quiet'], { timeoutMs: 90_000, onSpawn: (child) => (firstPid = child.pid) });
    void first.then(
      () => (firstEnded = true),
      () => (firstEnded = true),
    );
    const started = await waitUntil(
      async () => existsSync(join(out, LOCK_FILE)) && (await lineCount(join(out, 'requests.csv'))) >= 3,
      () => firstEnded,
    );
    expect(started).toBe(true);

    const second = await runCli(quickSimRun(out), { timeoutMs: 60_000 });
    expect(second.code).toBe(2);
    expectOneLineError(
      second.stderr,
      new RegExp(
        `--out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: another qfbench run \\(pid ${firstPid} on ${hostname()}, started .*\\) is writing there`,
      ),
    );

    const result = await first;
    expect(result.code).toBe(0);
    const rows = await strictRequestRows(out);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.seq)).size).toBe(120);
    expect(rows.every((row) => row.outcome === 'ok')).toBe(true);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.cells[0]!.outcomes.ok).toBe(120);
    // Released at the end: the folder takes the next run (with --force, as it now holds one).
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect((await runCli(quickSimRun(out, ['--force']))).code).toBe(0);
  });

  it('takes over a stale lock whose process is gone on this host, and says so', async () => {
    const out = await tempDir();
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid as number;
    await new Promise((resolve) => gone.on('close', resolve));
    await writeFile(join(out, LOCK_FILE), `${JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' })}\n`);
    const result = await runCli(quickSimRun(out), { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`took over the lock of an earlier run that is gone (pid ${pid} on ${hostname()}`);
    expect(await strictRequestRows(out)).toHaveLength(12);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('refuses a folder locked from another host, whose process it cannot see', async () => {
    const out = await tempDir();
    await writeFile(join(out, LOCK_FILE), `${JSON.stringify({ pid: 1, host: 'elsewhere.example', startedAt: '2026-01-01T00:00:00.000Z' })}\n`);
    const result = await runCli(quickSimRun(out), { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /another qfbench run \(pid 1 on elsewhere\.example, started 2026-01-01T00:00:00\.000Z\) is writing there/);
    expect(existsSync(join(out, 'requests.csv'))).toBe(false);
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
  });
});
