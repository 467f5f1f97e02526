/**
 * An interrupted run says so: its final table carries the INTERRUPTED notice and a `cancelled`
 * column, and its progress line counts answered requests against the planned ones honestly. It
 * used to count cancelled requests as done and print `240/240` for a run that answered a few.
 */
import { describe, expect, it } from 'vitest';
import { formatSummaryTable, INTERRUPTED_NOTICE } from '../../src/report/console-table.js';
import { makeCell, makeSummary } from '../report/fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { runSummary } from './loud-helpers.js';

describe('an interrupted run', () => {
  it('the table says "interrupted" and the progress line does not claim 240/240', async () => {
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
        '2',
        '--grace',
        '0.2',
        '--sim-opt',
        'firstChunkMs=50',
        '--sim-opt',
        'msPerOutputToken=2',
        '--out',
        out,
      ],
      {
        timeoutMs: 60_000,
        onStderr: (text, child) => {
          if (!interrupted && /\] [1-9]\d*\/240 answered/.test(text)) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
        env: { CI: 'true' },
      },
    );
    expect(interrupted).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toContain(INTERRUPTED_NOTICE);
    const summary = await runSummary(out);
    const { ok, cancelled } = summary.cells[0]!.outcomes;
    expect(cancelled).toBeGreaterThan(0);
    const last =
      result.stderr
        .split('\n')
        .filter((line) => line.includes('answered:'))
        .at(-1) ?? '';
    expect(last).toMatch(/^INTERRUPTED \[SIMULATED\] /);
    const [, answered] = /(\d+)\/240 answered/.exec(last) ?? [];
    expect(Number(answered)).toBe(240 - cancelled);
    expect(Number(answered)).toBeLessThan(240);
    expect(last).toContain(`ok ${ok} `);
    expect(last).toContain(`cancelled ${cancelled} `);
  });

  it('formatSummaryTable leads with the notice only for an interrupted run', () => {
    const cell = makeCell({ outcomes: { ok: 3, failed: 0, throttled: 0, timeout: 0, cancelled: 7, dropped: 0 } });
    const stopped = makeSummary({ cells: [cell] });
    stopped.run.interrupted = true;
    const lines = formatSummaryTable(stopped).split('\n');
    expect(lines[0]).toBe(INTERRUPTED_NOTICE);
    expect(lines[2]).toMatch(/\bcancelled\b/);
    expect(formatSummaryTable(makeSummary({ cells: [cell] }))).not.toContain('INTERRUPTED');
  });
});
