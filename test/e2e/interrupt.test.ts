import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('Ctrl-C during a run', () => {
  it('stops dispatching, still writes every file, and records each planned request exactly once', async () => {
    const out = await tempDir();
    let interrupted = false;
    const result = await runCli(
      [
        'run',
        '--sim',
        '-d',
        'datasets/demo.csv',
        '-m',
        'ernie-speed-8k',
        '--repeat',
        '20',
        '-c',
        '4',
        '--grace',
        '0.2',
        '--sim-opt',
        'firstChunkMs=20',
        '--sim-opt',
        'msPerOutputToken=2',
        '--out',
        out,
      ],
      {
        timeoutMs: 60_000,
        // Interrupt once some requests have finished (the CI-style progress line reports them).
        onStderr: (text, child) => {
          if (!interrupted && /SIMULATED\] [1-9]\d*\/240/.test(text)) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
        env: { CI: 'true' },
      },
    ).catch((error: unknown) => {
      throw error;
    });
    expect(interrupted).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted');
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(240);
    expect(new Set(rows.map((row) => row.seq)).size).toBe(240);
    const outcomes = rows.map((row) => row.outcome);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === 'cancelled').length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === 'ok' || o === 'cancelled')).toBe(true);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.run.interrupted).toBe(true);
    expect(summary.cells[0]!.outcomes.ok + summary.cells[0]!.outcomes.cancelled).toBe(240);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<html');
  });
});
