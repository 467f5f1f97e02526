/**
 * SIGHUP (the terminal closed, ssh dropped) mid-run is handled like Ctrl-C: dispatching stops,
 * requests in flight get --grace, every file is written with all finished rows, and the exit code
 * is the interrupt's, 130. Before the fix Node's default action ended the process at once with
 * 129 (21 of 1,200 rows on disk, no summary).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { LOCK_FILE } from '../../src/run/output-dir.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { lineCount, slowSimRun, strictRequestRows, waitUntil } from './output-folder-helpers.js';

describe('SIGHUP during a run', () => {
  it('writes requests.csv with every planned request, summary.json and report.html, and exits 130', async () => {
    const out = await tempDir();
    let ended = false;
    let hungUp = false;
    // 1,200 planned requests at -c 2, tens of ms each: still running when the hang-up comes.
    const run = runCli(slowSimRun(out, 100, ['--quiet']), {
      timeoutMs: 90_000,
      onSpawn: (child) => {
        void waitUntil(
          async () => (await lineCount(join(out, 'requests.csv'))) > 20,
          () => ended,
        ).then((ready) => {
          if (!ready) return;
          hungUp = true;
          child.kill('SIGHUP');
        });
      },
    });
    const result = await run.finally(() => (ended = true));
    expect(hungUp).toBe(true);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).not.toContain('internal error');

    const rows = await strictRequestRows(out);
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((row) => row.seq)).size).toBe(1200);
    const finished = rows.filter((row) => row.outcome === 'ok').length;
    expect(finished).toBeGreaterThanOrEqual(20);
    expect(rows.every((row) => row.outcome === 'ok' || row.outcome === 'cancelled')).toBe(true);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.run.interrupted).toBe(true);
    expect(summary.cells[0]!.outcomes.ok).toBe(finished);
    expect(summary.cells[0]!.outcomes.ok + summary.cells[0]!.outcomes.cancelled).toBe(1200);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<html');
    // The folder is released for the next run.
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});
