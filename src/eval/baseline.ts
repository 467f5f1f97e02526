/**
 * `--baseline DIR`: the finished run against an earlier one, with the statistics of `qfbench
 * compare` (a regression is a change whose interval excludes 0 and whose size is beyond the
 * tolerance), plus the rows whose answer changed: same row id, matched cell and repeat, both ok,
 * different output. A changed answer is listed, not failed: models are allowed to word things
 * differently; assertions say whether the new wording is still right. They do: each matched
 * cell's pass rate is compared (exact McNemar on the verdicts paired by row and repeat, else
 * Fisher), a significant fall is a regression like a slower latency, and the rows whose verdict
 * changed are listed with the failing side's reason.
 *
 * Pure analysis over data the run hands in: the baseline's summary and rows (read from its
 * folder by the run), and the finished run's own summary and records, from memory.
 */
import { createHash } from 'node:crypto';
import {
  compareRuns,
  matchCells,
  type AnswerComparison,
  type ComparisonResult,
  type MetricDelta,
  type SampleRecord,
  type VerdictChange,
} from '../compare/index.js';
import { formatDelta, formatRelative, formatValue } from '../compare/format.js';
import type { RequestRecord, RunSummary } from '../metrics/types.js';

export interface ChangedAnswer {
  rowId: string;
  cellLabel: string;
  repeat: number;
}

/** A matched cell's pass rate against the baseline: the `passRate` delta (values, p, interval, verdict) and the counts behind it. */
export interface BaselinePassRate {
  cellLabel: string;
  delta: MetricDelta;
  answers: AnswerComparison;
  /** One sentence: `pass rate 100.00% (6/6) → 0.00% (0/6): regression (…)`. */
  detail: string;
}

export interface BaselineCheck {
  comparison: ComparisonResult;
  /** One line per regressed metric of a matched cell (a significant fall of the pass rate included). */
  regressions: Array<{ cellLabel: string; line: string }>;
  changedAnswers: ChangedAnswer[];
  /** Per matched cell that checked assertions in either run. */
  passRates: BaselinePassRate[];
  /** Rows whose verdict changed, pass→fail first; at most MAX_VERDICT_CHANGES per cell (`answers.changesLeftOut` counts the rest). */
  verdictChanges: Array<VerdictChange & { cellLabel: string }>;
  /** Set when no cell of the run matches a cell of the baseline: nothing was compared, which is a failed check, not a pass. */
  noMatch?: string;
}

/**
 * What the check keeps of one request: the comparison's fields, its verdict and a digest of the
 * answer (memory stays small however long the outputs are). Take it after the request was judged.
 */
export type AnswerRow = SampleRecord & Pick<RequestRecord, 'rowId' | 'repeat'> & { answerDigest: string };

export function answerRow(record: RequestRecord): AnswerRow {
  return {
    cellId: record.cellId,
    outcome: record.outcome,
    rowId: record.rowId,
    repeat: record.repeat,
    answerDigest: createHash('sha256').update(record.output).digest('base64'),
    ...(record.schedOffsetMs !== undefined ? { schedOffsetMs: record.schedOffsetMs } : {}),
    ...(record.queueMs !== undefined ? { queueMs: record.queueMs } : {}),
    ...(record.latencyMs !== undefined ? { latencyMs: record.latencyMs } : {}),
    ...(record.latencySchedMs !== undefined ? { latencySchedMs: record.latencySchedMs } : {}),
    ...(record.ttftMs !== undefined ? { ttftMs: record.ttftMs } : {}),
    ...(record.promptTokens !== undefined ? { promptTokens: record.promptTokens } : {}),
    ...(record.completionTokens !== undefined ? { completionTokens: record.completionTokens } : {}),
    ...(record.assertResult !== undefined ? { assertResult: record.assertResult } : {}),
    ...(record.assertReason !== undefined && record.assertReason !== '' ? { assertReason: record.assertReason } : {}),
  };
}

function regressionLine(delta: MetricDelta): string {
  if (delta.metric === 'passRate') {
    const values = `${formatValue(delta.unit, delta.base)} → ${formatValue(delta.unit, delta.candidate)}`;
    return `${delta.label} ${values} (${formatDelta(delta.unit, delta.delta)}): ${delta.confidenceStatement}`;
  }
  return `${delta.label} ${formatRelative(delta.relative)} (${formatDelta(delta.unit, delta.delta)}): ${delta.confidenceStatement}`;
}

function passRatesOf(comparison: ComparisonResult): BaselinePassRate[] {
  return comparison.matched.flatMap((cell) => {
    const delta = cell.deltas.find((d) => d.metric === 'passRate');
    if (cell.answers === undefined || delta === undefined) return [];
    const side = (s: AnswerComparison['base']): string => `${formatValue('rate', s.rate)} (${s.passed}/${s.checked})`;
    const detail = `pass rate ${side(cell.answers.base)} → ${side(cell.answers.candidate)}: ${delta.verdict} (${delta.confidenceStatement})`;
    return [{ cellLabel: cell.label, delta, answers: cell.answers, detail }];
  });
}

/** One side of the check: the folder that names it, its summary and its rows in the order they were written. */
export interface BaselineSide<Rows> {
  dir: string;
  summary: RunSummary;
  rows: Rows;
}

export async function checkBaseline(
  base: BaselineSide<AsyncIterable<AnswerRow> | Iterable<AnswerRow>>,
  run: BaselineSide<readonly AnswerRow[]>,
  tolerance: number,
): Promise<BaselineCheck> {
  const { pairs } = matchCells(base.summary, run.summary);
  const keyOfBase = new Map(pairs.map((pair) => [pair.base.id, pair.key]));
  const baseAnswers = new Map<string, string>();
  // One pass over the baseline's rows: the comparison samples them while the answers are noted.
  async function* noting(rows: AsyncIterable<AnswerRow> | Iterable<AnswerRow>): AsyncIterable<AnswerRow> {
    for await (const row of rows) {
      const key = keyOfBase.get(row.cellId);
      if (key !== undefined && row.outcome === 'ok') baseAnswers.set(`${key}\u0000${row.rowId}\u0000${row.repeat}`, row.answerDigest);
      yield row;
    }
  }
  const comparison = await compareRuns(
    { dir: base.dir, summary: base.summary, requests: noting(base.rows) },
    { dir: run.dir, summary: run.summary, requests: run.rows },
    { tolerance },
  );
  const regressions = comparison.matched.flatMap((cell) =>
    cell.deltas.filter((delta) => delta.verdict === 'regression').map((delta) => ({ cellLabel: cell.label, line: regressionLine(delta) })),
  );
  const pairOfRun = new Map(pairs.map((pair) => [pair.candidate.id, { key: pair.key, label: pair.candidate.label }]));
  const changedAnswers: ChangedAnswer[] = [];
  for (const row of run.rows) {
    const pair = pairOfRun.get(row.cellId);
    if (pair === undefined || row.outcome !== 'ok') continue;
    const before = baseAnswers.get(`${pair.key}\u0000${row.rowId}\u0000${row.repeat}`);
    if (before !== undefined && before !== row.answerDigest) changedAnswers.push({ rowId: row.rowId, cellLabel: pair.label, repeat: row.repeat });
  }
  changedAnswers.sort((a, b) => a.cellLabel.localeCompare(b.cellLabel) || a.rowId.localeCompare(b.rowId) || a.repeat - b.repeat);
  const passRates = passRatesOf(comparison);
  const verdictChanges = passRates.flatMap((rate) => rate.answers.changes.map((change) => ({ ...change, cellLabel: rate.cellLabel })));
  verdictChanges.sort((a, b) => (a.change === b.change ? 0 : a.change === 'pass→fail' ? -1 : 1));
  const check: BaselineCheck = { comparison, regressions, changedAnswers, passRates, verdictChanges };
  if (comparison.matched.length === 0) {
    const labels = (cells: Array<{ label: string }>): string => cells.map((cell) => cell.label).join(', ') || 'none';
    check.noMatch =
      `no cell of this run matches a cell of the baseline (same model and parameters): baseline has ${labels(comparison.unmatched.base)}; ` +
      `this run has ${labels(comparison.unmatched.candidate)}`;
  }
  return check;
}
