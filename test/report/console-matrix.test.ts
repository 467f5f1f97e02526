import { describe, expect, it } from 'vitest';
import { matrixLines } from '../../src/report/console-matrix.js';
import { rowMatrix } from '../../src/report/row-matrix.js';
import { displayWidth } from '../../src/report/text-width.js';
import { makeCell, makeRecord } from './fixtures.js';

const cells = [makeCell({ id: 'c0', label: 'ERNIE-Speed-8K' }), makeCell({ id: 'c1', label: 'ERNIE-4.0-8K' })];
const records = [
  makeRecord({ seq: 0, rowId: 'capital-en', cellId: 'c0', assertResult: 'pass' }),
  makeRecord({ seq: 1, rowId: 'capital-en', cellId: 'c1', assertResult: 'pass' }),
  makeRecord({ seq: 2, rowId: 'wrong-capital', cellId: 'c0', assertResult: 'fail', assertReason: 'icontains "canberra": not found in "Sydney"' }),
  makeRecord({ seq: 3, rowId: 'wrong-capital', cellId: 'c1', outcome: 'failed', errorCode: '336003', errorMsg: 'invalid argument' }),
  makeRecord({ seq: 4, rowId: 'wrong-capital', cellId: 'c1', repeat: 1, assertResult: 'pass' }),
];

describe('matrixLines', () => {
  it('shows PASS/FAIL per row and cell, the reason of each failure, and how many rows are left out', () => {
    const lines = matrixLines({ rows: rowMatrix(records, ['c0', 'c1']), rowCount: 30 }, cells);
    expect(lines[0]).toBe('row x cell: the first 2 rows of 30 (28 more in report.html)');
    expect(lines[1]).toMatch(/^row\s+ERNIE-Speed-8K\s+ERNIE-4\.0-8K$/);
    expect(lines[2]).toMatch(/^capital-en\s+PASS\s+PASS$/);
    // Two requests of one row x cell: the worst status, with passed/requests.
    expect(lines[3]).toMatch(/^wrong-capital\s+FAIL\s+ERROR 1\/2$/);
    expect(lines).toContain('  wrong-capital × ERNIE-Speed-8K: icontains "canberra": not found in "Sydney"');
    expect(lines).toContain('  wrong-capital × ERNIE-4.0-8K: no answer: failed 336003: invalid argument');
    expect(lines.join('\n')).not.toContain('\x1b');
  });

  it('numbers the cells with a legend when their labels are long, and cuts every line to the width', () => {
    const long = [makeCell({ id: 'c0', label: `ERNIE-Speed-8K ${'x'.repeat(40)}` }), makeCell({ id: 'c1', label: 'ERNIE-4.0-8K' })];
    const lines = matrixLines({ rows: rowMatrix(records, ['c0', 'c1']), rowCount: 2 }, long, { width: 50 });
    expect(lines[0]).toBe('row x cell: 2 rows');
    expect(lines[1]).toMatch(/^row\s+\[1\]\s+\[2\]$/);
    expect(lines.some((line) => line.startsWith('[1] ERNIE-Speed-8K xxx'))).toBe(true);
    expect(lines.some((line) => line.startsWith('  wrong-capital × [1]: icontains'))).toBe(true);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(50);
  });

  it('is empty for a run without assertions', () => {
    const plain = [makeRecord({ seq: 0, assertResult: 'none' }), makeRecord({ seq: 1 })];
    expect(matrixLines({ rows: rowMatrix(plain, ['c0']), rowCount: 2 }, cells)).toEqual([]);
  });
});
