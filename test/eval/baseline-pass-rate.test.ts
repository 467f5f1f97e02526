/** --baseline judges answers too: a significant fall of a cell's pass rate is a baseline regression, and the verdict changes are listed. */
import { describe, expect, it } from 'vitest';
import { answerRow, checkBaseline } from '../../src/eval/baseline.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { makeCell, makeRecord, makeSummary } from '../report/fixtures.js';

const speed = { id: 'c0', model: 'ernie-speed-8k', label: 'ernie-speed-8k', params: {} };

/** 8 rows x 2 repeats, same timings on both sides; `passes(row)` decides each verdict. */
function side(dir: string, passes: (row: number) => boolean) {
  const records: RequestRecord[] = [];
  for (let seq = 0; seq < 16; seq++) {
    const row = seq % 8;
    const pass = passes(row);
    records.push(
      makeRecord({
        seq,
        cellId: 'c0',
        rowId: `q${row}`,
        repeat: Math.floor(seq / 8),
        output: pass ? 'Paris' : 'Sydney',
        ttftMs: 200 + (seq % 4),
        latencyMs: 900 + (seq % 4),
        schedOffsetMs: seq * 50,
        assertResult: pass ? 'pass' : 'fail',
        assertReason: pass ? '' : 'icontains "paris": not found',
      }),
    );
  }
  const passed = records.filter((r) => r.assertResult === 'pass').length;
  const cell = makeCell({
    ...speed,
    errors: {},
    planned: 16,
    outcomes: { ok: 16, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
    assertions: { passed, failed: 16 - passed, errored: 0, skipped: 0, passRate: passed / 16 },
  });
  return { dir, summary: makeSummary({ cells: [cell] }), rows: records.map(answerRow) };
}

describe('checkBaseline: pass rates', () => {
  it('keeps each verdict on the row it takes from a judged record', () => {
    const row = answerRow(makeRecord({ assertResult: 'fail', assertReason: 'why' }));
    expect(row).toMatchObject({ assertResult: 'fail', assertReason: 'why' });
  });

  it('makes a fall from 100% to 0% a regression, with its line, its pass rate and every changed verdict', async () => {
    const check = await checkBaseline(
      side('base', () => true),
      side('run', () => false),
      0.05,
    );
    // 16 pairs all pass→fail: exact McNemar p = 2 / 2^16.
    const line = check.regressions.find((r) => r.line.startsWith('pass rate'));
    expect(line?.cellLabel).toBe(speed.label);
    expect(line?.line).toMatch(
      /^pass rate 100\.00% → 0\.00% \(−100\.00 pp\): 16 verdicts paired by row and repeat: 16 pass→fail, 0 fail→pass; exact McNemar p < 0\.001/,
    );
    expect(check.passRates).toHaveLength(1);
    expect(check.passRates[0]!.delta.verdict).toBe('regression');
    expect(check.passRates[0]!.delta.pValue).toBeCloseTo(2 / 2 ** 16, 12);
    expect(check.passRates[0]!.detail).toMatch(/^pass rate 100\.00% \(16\/16\) → 0\.00% \(0\/16\): regression \(/);
    expect(check.verdictChanges).toHaveLength(16);
    expect(check.verdictChanges[0]).toEqual({ rowId: 'q0', repeat: 0, change: 'pass→fail', reason: 'icontains "paris": not found', cellLabel: speed.label });
    expect(check.comparison.hasRegression).toBe(true);
  });

  it('lists fixed rows without calling one fix a regression or an improvement', async () => {
    const check = await checkBaseline(
      side('base', (row) => row !== 3),
      side('run', () => true),
      0.05,
    );
    expect(check.regressions).toEqual([]);
    expect(check.passRates[0]!.delta.verdict).toBe('no significant change');
    expect(check.verdictChanges.map((c) => `${c.rowId}/${c.repeat} ${c.change}`)).toEqual(['q3/0 fail→pass', 'q3/1 fail→pass']);
    expect(check.verdictChanges[0]!.reason).toBe('icontains "paris": not found');
  });

  it('has no pass rates when neither run checked assertions', async () => {
    const plain = (dir: string) => {
      const s = side(dir, () => true);
      return { ...s, summary: makeSummary({ cells: s.summary.cells.map(({ assertions: _, ...cell }) => cell) }) };
    };
    const check = await checkBaseline(plain('base'), plain('run'), 0.05);
    expect(check.passRates).toEqual([]);
    expect(check.verdictChanges).toEqual([]);
  });
});
