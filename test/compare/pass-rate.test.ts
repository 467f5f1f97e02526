/** compareRuns judges answers too: each matched cell's pass rate, tested exactly, and the rows whose verdict changed. */
import { describe, expect, it } from 'vitest';
import { compareRuns, regressedCells, type ComparedRun, type MetricDelta } from '../../src/compare/index.js';
import type { CellSummary, RequestRecord } from '../../src/metrics/types.js';
import { makeCell, makeRecord, makeSummary } from '../report/fixtures.js';

const speed = { id: 'c0', model: 'ernie-speed-8k', label: 'ernie-speed-8k', params: {} };

interface Row {
  rowId: string;
  repeat?: number;
  pass: boolean;
  /** A request without an answer: it fails its assertions and counts as errored. */
  errored?: boolean;
}

/** A run whose timings do not depend on the verdicts, so only the pass rate can change. */
function run(dir: string, rows: readonly Row[], assertions = true): ComparedRun {
  const records: RequestRecord[] = rows.map((row, seq) =>
    makeRecord({
      seq,
      cellId: 'c0',
      rowId: row.rowId,
      repeat: row.repeat ?? 0,
      latencyMs: 1000 + (seq % 7),
      ttftMs: 300 + (seq % 5),
      schedOffsetMs: seq * 100,
      ...(row.errored === true ? { outcome: 'failed' as const, latencyMs: undefined, ttftMs: undefined } : {}),
      ...(assertions
        ? {
            assertResult: row.pass ? ('pass' as const) : ('fail' as const),
            assertReason: row.pass ? '' : row.errored === true ? 'no answer: failed' : `contains "x": ${row.rowId} has no x`,
          }
        : {}),
    }),
  );
  const passed = rows.filter((row) => row.pass).length;
  const errored = rows.filter((row) => row.errored === true).length;
  const failed = rows.length - passed - errored;
  const cell: CellSummary = makeCell({
    ...speed,
    errors: {},
    planned: rows.length,
    outcomes: { ok: rows.length - errored, failed: errored, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
    ...(assertions ? { assertions: { passed, failed, errored, skipped: 0, passRate: rows.length > 0 ? passed / rows.length : null } } : {}),
  });
  return { dir, summary: makeSummary({ cells: [cell] }), requests: records };
}

const rowsOf = (n: number, pass: (i: number) => boolean, repeats = 1): Row[] =>
  Array.from({ length: n * repeats }, (_, i) => ({ rowId: `row-${(i % n) + 1}`, repeat: Math.floor(i / n), pass: pass(i % n) }));

function passRate(deltas: readonly MetricDelta[]): MetricDelta {
  const delta = deltas.find((d) => d.metric === 'passRate');
  expect(delta).toBeDefined();
  return delta!;
}

describe('pass rate, paired by row and repeat (exact McNemar)', () => {
  it('flags a fall from 100% to 0% over six rows: p = 2 * (1/2)^6 = 0.03125, a regression that counts', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(6, () => true),
      ),
      run(
        'candidate',
        rowsOf(6, () => false),
      ),
    );
    const cell = result.matched[0]!;
    const delta = passRate(cell.deltas);
    expect(delta).toMatchObject({ base: 1, candidate: 0, delta: -1, verdict: 'regression', direction: 'higher-is-better', unit: 'rate' });
    expect(delta.pValue).toBeCloseTo(0.03125, 12);
    expect(delta.interval!.low).toBe(-1);
    expect(delta.interval!.high).toBeCloseTo(-0.44798, 4);
    expect(delta.confidenceStatement).toMatch(/6 pass→fail, 0 fail→pass; exact McNemar p = 0\.031 < 0\.05/);
    expect(cell.answers).toMatchObject({ test: 'exact McNemar', pairs: 6, passToFail: 6, failToPass: 0, changesLeftOut: 0 });
    expect(cell.answers!.paired).toEqual({ bothPass: 0, passToFail: 6, failToPass: 0, bothFail: 0 });
    // Listed by row id, numbers as numbers; the candidate's reason, since it is the failing side.
    expect(cell.answers!.changes.map((c) => c.rowId)).toEqual(['row-1', 'row-2', 'row-3', 'row-4', 'row-5', 'row-6']);
    expect(cell.answers!.changes[0]).toEqual({ rowId: 'row-1', repeat: 0, change: 'pass→fail', reason: 'contains "x": row-1 has no x' });
    expect(result.regressions).toBe(1);
    expect(result.hasRegression).toBe(true);
    expect(regressedCells(result).map((r) => r.names)).toEqual([['pass rate 100.00% → 0.00% (p = 0.031)']]);
  });

  it('does not flag five changed rows, and says no exact test could with so few', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(5, () => true),
      ),
      run(
        'candidate',
        rowsOf(5, () => false),
      ),
    );
    const delta = passRate(result.matched[0]!.deltas);
    expect(delta.pValue).toBeCloseTo(0.0625, 12);
    expect(delta.verdict).toBe('no significant change');
    expect(delta.confidenceStatement).toMatch(/5 changed verdict\(s\) are too few for any exact test to reach p < 0\.05/);
    expect(result.hasRegression).toBe(false);
  });

  it('pairs repeats: four rows x three repeats all fixed is an improvement (p = 2/4096)', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(4, () => false, 3),
      ),
      run(
        'candidate',
        rowsOf(4, () => true, 3),
      ),
    );
    const cell = result.matched[0]!;
    const delta = passRate(cell.deltas);
    expect(delta.pValue).toBeCloseTo(2 / 4096, 12);
    expect(delta.verdict).toBe('improvement');
    expect(cell.answers!.changes).toHaveLength(12);
    expect(cell.answers!.changes.every((c) => c.change === 'fail→pass')).toBe(true);
    // The base's reason: it was the failing side.
    expect(cell.answers!.changes[0]!.reason).toBe('contains "x": row-1 has no x');
    expect(result.improvements).toBe(1);
  });

  it('only the discordant pairs count: 2 regressed and 1 fixed of 40 is no significant change', async () => {
    // McNemar on (2, 1): 2 * (C(3,0) + C(3,1)) / 8 = 1.
    const result = await compareRuns(
      run(
        'base',
        rowsOf(40, (i) => i !== 0),
      ),
      run(
        'candidate',
        rowsOf(40, (i) => i !== 1 && i !== 2),
      ),
    );
    const cell = result.matched[0]!;
    const delta = passRate(cell.deltas);
    expect(delta.pValue).toBe(1);
    expect(delta.verdict).toBe('no significant change');
    expect(cell.answers!.changes.map((c) => `${c.rowId} ${c.change}`)).toEqual(['row-2 pass→fail', 'row-3 pass→fail', 'row-1 fail→pass']);
  });

  it('counts a request without an answer as a failed verdict, like the pass rate does', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(8, () => true),
      ),
      run(
        'candidate',
        rowsOf(8, () => false).map((row) => ({ ...row, errored: true })),
      ),
    );
    const cell = result.matched[0]!;
    expect(cell.answers).toMatchObject({ test: 'exact McNemar', candidate: { passed: 0, checked: 8, rate: 0 } });
    expect(passRate(cell.deltas).verdict).toBe('regression');
    expect(cell.answers!.changes[0]!.reason).toBe('no answer: failed');
  });

  it('keeps within the tolerance a significant but small fall (30 of 1000 rows: p < 0.001, -3%)', async () => {
    const few = { resamples: 200 };
    const result = await compareRuns(
      run(
        'base',
        rowsOf(1000, () => true),
      ),
      run(
        'candidate',
        rowsOf(1000, (i) => i >= 30),
      ),
      few,
    );
    const delta = passRate(result.matched[0]!.deltas);
    expect(delta.pValue).toBeLessThan(0.001);
    expect(delta.verdict).toBe('no significant change');
    expect(delta.confidenceStatement).toMatch(/within ±5%/);
    const strict = await compareRuns(
      run(
        'base',
        rowsOf(1000, () => true),
      ),
      run(
        'candidate',
        rowsOf(1000, (i) => i >= 30),
      ),
      { ...few, tolerance: 0.01 },
    );
    expect(passRate(strict.matched[0]!.deltas).verdict).toBe('regression');
  });
});

describe('pass rate, not paired (Fisher exact)', () => {
  it('falls back to Fisher when the rows differ between the runs: 6/6 vs 0/6 gives p = 2/924', async () => {
    const base = rowsOf(6, () => true);
    const candidate = rowsOf(6, () => false).map((row) => ({ ...row, rowId: `new-${row.rowId}` }));
    const result = await compareRuns(run('base', base), run('candidate', candidate));
    const cell = result.matched[0]!;
    const delta = passRate(cell.deltas);
    expect(cell.answers).toMatchObject({ test: 'Fisher exact', paired: null, pairs: 0, changes: [] });
    expect(delta.pValue).toBeCloseTo(2 / 924, 12);
    expect(delta.verdict).toBe('regression');
    expect(delta.confidenceStatement).toMatch(/6\/6 vs 0\/6 passed, not paired by row and repeat; Fisher exact p = 0\.002 < 0\.05/);
    expect(delta.interval!.high).toBeLessThan(0);
  });

  it('falls back to Fisher when a run has extra rows, still listing the verdicts that changed', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(6, () => true),
      ),
      run(
        'candidate',
        rowsOf(9, (i) => i >= 6),
      ),
    );
    const cell = result.matched[0]!;
    expect(cell.answers).toMatchObject({ test: 'Fisher exact', pairs: 6, passToFail: 6 });
    expect(cell.answers!.changes).toHaveLength(6);
    // 6/6 vs 3/9: the Fisher test on the counts, checked against a direct sum of binomial coefficients.
    expect(passRate(cell.deltas).pValue).toBeCloseTo(fisherByHand(6, 6, 3, 9), 12);
  });
});

/** Two-sided Fisher by direct sums of binomial coefficients (small tables only). */
function fisherByHand(x1: number, n1: number, x2: number, n2: number): number {
  const c = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (c(n - 1, k - 1) * n) / k);
  const passed = x1 + x2;
  const weight = (k: number): number => c(passed, k) * c(n1 + n2 - passed, n1 - k);
  let sum = 0;
  for (let k = 0; k <= n1; k++) if (weight(k) <= weight(x1) * (1 + 1e-9)) sum += weight(k);
  return sum / c(n1 + n2, n1);
}

describe('pass rate, nothing to test', () => {
  it('leaves it out when neither run checked an assertion', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(6, () => true),
        false,
      ),
      run(
        'candidate',
        rowsOf(6, () => true),
        false,
      ),
    );
    const cell = result.matched[0]!;
    expect(cell.deltas.some((d) => d.metric === 'passRate')).toBe(false);
    expect(cell.answers).toBeUndefined();
  });

  it('says insufficient data when only one run checked assertions', async () => {
    const result = await compareRuns(
      run(
        'base',
        rowsOf(6, () => true),
      ),
      run(
        'candidate',
        rowsOf(6, () => false),
        false,
      ),
    );
    const delta = passRate(result.matched[0]!.deltas);
    expect(delta.verdict).toBe('insufficient data');
    expect(delta.confidenceStatement).toBe('the candidate checked no assertion in this cell');
    expect(result.hasRegression).toBe(false);
  });
});
