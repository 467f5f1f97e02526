import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatRunConsole } from '../../src/report/console-output.js';
import { clientOverheadText } from '../../src/report/client-overhead-text.js';
import { rowMatrix } from '../../src/report/row-matrix.js';
import { displayWidth } from '../../src/report/text-width.js';
import { makeRecord, makeSummary } from './fixtures.js';

function summaryWithEverything() {
  const summary = makeSummary({ simulated: true });
  summary.run.client = {
    eventLoopDelayMs: { count: 100, min: 0, mean: 0.2, p50: 0.1, p90: 0.5, p95: 0.8, p99: 1.3, p999: 2, max: 4.2 },
    cpuUserMs: 1234.5,
    cpuSystemMs: 210.2,
    cpuShare: 0.35,
  };
  summary.checks = {
    exitCode: 3,
    status: 'failed',
    results: [
      { kind: 'outcome', name: 'requests answered', pass: true, detail: '20 of 20 planned requests answered ok' },
      { kind: 'assertions', name: 'assertions', pass: false, detail: '1 of 2 answers passed' },
    ],
  };
  return summary;
}

describe('formatRunConsole', () => {
  const matrix = {
    rows: rowMatrix(
      [
        makeRecord({ seq: 0, rowId: 'r1', cellId: 'c0', assertResult: 'pass' }),
        makeRecord({ seq: 1, rowId: 'r1', cellId: 'c1', assertResult: 'fail', assertReason: 'expected "x"' }),
      ],
      ['c0', 'c1'],
    ),
    rowCount: 1,
  };

  it('prints the table, the client overhead, the checks, the matrix and a file:// link, in that order', () => {
    const text = formatRunConsole(summaryWithEverything(), { matrix, reportPath: 'reports/demo/report.html' });
    const order = [
      'outcomes (requests)',
      'client overhead:',
      'checks: 1 of 2 passed',
      '  ✗ assertions: 1 of 2 answers passed',
      'row x cell: 1 row',
      'report: file://',
    ].map((part) => text.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain(`report: ${pathToFileURL(resolve('reports/demo/report.html')).href}`);
    expect(text).not.toContain('\x1b');
  });

  it('keeps every line but the link within the width', () => {
    const text = formatRunConsole(summaryWithEverything(), { matrix, reportPath: 'reports/demo/report.html', width: 64 });
    for (const line of text.split('\n').filter((line) => !line.startsWith('report: '))) expect(displayWidth(line)).toBeLessThanOrEqual(64);
  });

  it('says the client overhead in one line', () => {
    expect(clientOverheadText(summaryWithEverything())).toBe(
      'client overhead: event-loop delay p50 0.1 ms, p99 1.3 ms, max 4.2 ms; CPU 0.35 of a core (user 1235 ms, system 210 ms)',
    );
    expect(clientOverheadText(makeSummary())).toBeUndefined();
  });
});
