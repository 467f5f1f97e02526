/** --baseline's check is pure: the baseline's rows and the finished run's records go in as data. */
import { describe, expect, it } from 'vitest';
import { answerRow, checkBaseline } from '../../src/eval/baseline.js';
import type { CellSummary, RequestRecord } from '../../src/metrics/types.js';
import { makeCell, makeRecord, makeSummary } from '../report/fixtures.js';

const speed = { id: 'c0', model: 'ernie-speed-8k', label: 'ernie-speed-8k temperature=0.3', params: { temperature: 0.3 } };

function side(dir: string, scale: number, answer: (row: number) => string, cell: Partial<CellSummary> = speed) {
  const records: RequestRecord[] = [];
  for (let seq = 0; seq < 60; seq++) {
    const ttft = 200 + (seq % 10) * 10;
    records.push(
      makeRecord({
        seq,
        cellId: cell.id ?? 'c0',
        rowId: `r${seq % 20}`,
        repeat: Math.floor(seq / 20),
        output: answer(seq % 20),
        ttftMs: ttft * scale,
        latencyMs: (ttft + 800) * scale,
        schedOffsetMs: seq * 50,
      }),
    );
  }
  const summary = makeSummary({
    cells: [makeCell({ ...cell, errors: {}, planned: 60, outcomes: { ok: 60, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 } })],
  });
  return { dir, summary, rows: records.map(answerRow) };
}

describe('checkBaseline', () => {
  it('finds a slower run a regression and lists the answers that changed, from memory', async () => {
    const base = side('base', 1, (row) => `answer ${row}`);
    const run = side('run', 1.5, (row) => (row === 3 ? 'reworded' : `answer ${row}`));
    const check = await checkBaseline(base, run, 0.05);
    expect(check.comparison.candidate.dir).toBe('run');
    expect(check.regressions.some((r) => r.line.startsWith('latency p50'))).toBe(true);
    expect(check.changedAnswers).toEqual([0, 1, 2].map((repeat) => ({ rowId: 'r3', cellLabel: speed.label, repeat })));
    expect(check.noMatch).toBeUndefined();
  });

  it('says so when no cell matches, rather than passing', async () => {
    const base = side('base', 1, () => 'same');
    const run = side('run', 1, () => 'same', { ...speed, model: 'ernie-4.0-8k', label: 'ernie-4.0-8k' });
    const check = await checkBaseline(base, run, 0.05);
    expect(check.noMatch).toMatch(/no cell of this run matches a cell of the baseline/);
    expect(check.changedAnswers).toEqual([]);
  });
});
