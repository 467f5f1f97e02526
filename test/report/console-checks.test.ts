import { describe, expect, it } from 'vitest';
import { checkLines } from '../../src/report/console-checks.js';
import type { RunChecks } from '../../src/metrics/types.js';
import { displayWidth } from '../../src/report/text-width.js';

const CHECKS: RunChecks = {
  exitCode: 3,
  status: 'failed',
  results: [
    { kind: 'outcome', name: 'requests answered', pass: true, detail: '24 of 24 planned requests answered ok' },
    { kind: 'assertions', name: 'assertions', cell: 'ERNIE-Speed-8K', pass: false, detail: '8 of 12 answers passed' },
    { kind: 'threshold', name: 'threshold latency.p95<3000', pass: true, detail: 'latency p95 = 2316 ms (limit < 3000 ms)' },
    { kind: 'threshold', name: 'threshold ttft.p95<1', cell: 'evil\x1b[2J', pass: false, detail: 'ttft p95 = 300 ms (limit < 1 ms)' },
  ],
};

describe('checkLines', () => {
  it('prints one line per check with ✓ or ✗, passing ones too, under the exit code they add up to', () => {
    const lines = checkLines(CHECKS);
    expect(lines[0]).toBe('checks: 2 of 4 passed — exit code 3 (failed)');
    expect(lines.slice(1)).toEqual([
      '  ✓ requests answered: 24 of 24 planned requests answered ok',
      '  ✗ assertions · ERNIE-Speed-8K: 8 of 12 answers passed',
      '  ✓ threshold latency.p95<3000: latency p95 = 2316 ms (limit < 3000 ms)',
      '  ✗ threshold ttft.p95<1 · evil\\x1b[2J: ttft p95 = 300 ms (limit < 1 ms)',
    ]);
  });

  it('keeps escape codes out unless colours are on, and cuts lines to the width', () => {
    expect(checkLines(CHECKS).join('\n')).not.toContain('\x1b');
    const coloured = checkLines(CHECKS, { color: true }).join('\n');
    expect(coloured).toContain('\x1b[32m✓\x1b[0m');
    expect(coloured).toContain('\x1b[31m✗\x1b[0m');
    for (const line of checkLines(CHECKS, { width: 40 })) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('names the abort reason when no check carries it', () => {
    const aborted: RunChecks = { ...CHECKS, exitCode: 4, status: 'aborted', abortReason: 'no request succeeded' };
    expect(checkLines(aborted).at(-1)).toBe('  run aborted: no request succeeded');
  });
});
