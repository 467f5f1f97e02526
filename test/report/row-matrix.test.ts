import { describe, expect, it } from 'vitest';
import { RowMatrixBuilder, rowMatrix } from '../../src/report/row-matrix.js';
import { makeRecord } from './fixtures.js';

describe('rowMatrix', () => {
  it('gives each row one entry per cell, in the cell order given, rows in first-seen seq order', () => {
    const rows = rowMatrix(
      [
        makeRecord({ seq: 3, rowId: 'b', cellId: 'c1', assertResult: 'pass', output: 'B1' }),
        makeRecord({ seq: 0, rowId: 'a', cellId: 'c0', assertResult: 'pass', output: 'A0' }),
        makeRecord({ seq: 1, rowId: 'a', cellId: 'c1', assertResult: 'fail', assertReason: 'expected "paris"', output: 'Lyon' }),
        makeRecord({ seq: 2, rowId: 'b', cellId: 'c0', assertResult: 'pass', output: 'B0' }),
      ],
      ['c1', 'c0', 'c2'],
    );
    expect(rows.map((row) => [row.rowId, row.rowOrder])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(rows[0]!.entries.map((entry) => entry.cellId)).toEqual(['c1', 'c0', 'c2']);
    expect(rows[0]!.entries[0]).toMatchObject({ status: 'fail', failed: 1, reason: 'expected "paris"', output: 'Lyon' });
    expect(rows[0]!.entries[1]).toMatchObject({ status: 'pass', passed: 1, output: 'A0' });
    expect(rows[0]!.entries[1]!.reason).toBeUndefined();
    expect(rows[0]!.entries[2]).toEqual({ cellId: 'c2', requests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, status: 'missing' });
  });

  it('takes the worst status over the repeats, with the first reason of that status', () => {
    const [row] = rowMatrix(
      [
        makeRecord({ seq: 9, repeat: 2, assertResult: 'fail', assertReason: 'later failure' }),
        makeRecord({ seq: 1, repeat: 0, outcome: 'timeout', errorMsg: 'total timeout', output: '' }),
        makeRecord({ seq: 5, repeat: 1, assertResult: 'fail', assertReason: 'first failure', output: 'first ok answer' }),
        makeRecord({ seq: 12, repeat: 3, assertResult: 'pass', output: 'another' }),
      ],
      ['c0'],
    );
    expect(row!.entries[0]).toMatchObject({
      requests: 4,
      passed: 1,
      failed: 2,
      errored: 1,
      status: 'fail',
      reason: 'first failure',
      output: 'first ok answer',
    });
  });

  it('says error for a request without an answer and skip for one never sent; none for rows without assertions', () => {
    const rows = rowMatrix(
      [
        makeRecord({ seq: 0, rowId: 'e', outcome: 'failed', errorCode: '336003', errorMsg: 'invalid argument', assertResult: 'fail', output: '' }),
        makeRecord({ seq: 1, rowId: 's', outcome: 'cancelled', output: '' }),
        makeRecord({ seq: 2, rowId: 'n', assertResult: 'none' }),
        makeRecord({ seq: 3, rowId: 'u' }),
      ],
      ['c0'],
    );
    expect(rows.map((row) => row.entries[0]!.status)).toEqual(['error', 'skip', 'none', 'none']);
    expect(rows[0]!.entries[0]!.reason).toBe('no answer: failed 336003: invalid argument');
    expect(rows[0]!.entries[0]!.output).toBeUndefined();
    expect(rows[1]!.entries[0]!.reason).toBe('not sent: cancelled');
  });
});

describe('RowMatrixBuilder', () => {
  it('keeps only the rows asked for, counts every row, and orders by the dataset position given', () => {
    const position = new Map([
      ['first', 0],
      ['second', 1],
      ['third', 2],
    ]);
    const builder = new RowMatrixBuilder({ keepRow: (id) => (position.get(id) ?? 99) < 2, rowOrder: (id) => position.get(id), outputs: false });
    builder.add(makeRecord({ seq: 0, rowId: 'third' }));
    builder.add(makeRecord({ seq: 1, rowId: 'second' }));
    builder.add(makeRecord({ seq: 2, rowId: 'first' }));
    expect(builder.rowCount).toBe(3);
    const rows = builder.rows(['c0']);
    expect(rows.map((row) => row.rowId)).toEqual(['first', 'second']);
    expect(rows[0]!.entries[0]!.output).toBeUndefined();
  });
});
