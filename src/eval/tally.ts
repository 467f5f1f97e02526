/**
 * What the requests of a run concluded, kept as they finish: per cell the assertion counts (the
 * pass rate, over every repeat), per row x cell what JUnit needs (one test case each), and the
 * first few failures word for word for the console. A request that was sent and got no answer
 * (failed, throttled, timeout) is an error, not a failed check: it is counted apart (`errored`)
 * and becomes a JUnit `<error>`. Memory grows with rows x cells, not requests.
 */
import type { CellAssertions, RequestRecord } from '../metrics/types.js';
import type { RequestJudgement } from './judge-request.js';
import { noAnswerReason, weightedScore } from './judge-request.js';

/** Running sums of a cell's scores: the mean row score and, per named metric, its mean score and assertion counts. */
interface CellScores {
  scoreSum: number;
  scored: number;
  metrics: Map<string, { scoreSum: number; scored: number; passed: number; failed: number }>;
}

/** One row x cell over its repeats. */
export interface RowCellTally {
  rowId: string;
  /** The row's position in the datasets. */
  rowOrder: number;
  cellId: string;
  cellLabel: string;
  requests: number;
  /** Seconds of the ok requests' latencies (JUnit's `time`). */
  seconds: number;
  /** Repeats whose answer failed an assertion. */
  failures: Array<{ repeat: number; reason: string }>;
  /** Repeats that got no answer: their outcome and error code. */
  errors: Array<{ repeat: number; reason: string; outcome: string; code?: string }>;
  skips: Array<{ repeat: number; reason: string }>;
}

export const LISTED_FAILURES = 20;

export class AssertionTally {
  private readonly cells = new Map<string, { passed: number; failed: number; errored: number; skipped: number }>();
  private readonly scores = new Map<string, CellScores>();
  private readonly cases = new Map<string, RowCellTally>();
  /** The first failures, as console lines. */
  readonly firstFailures: string[] = [];
  failedRequests = 0;
  /** Requests that were sent and got no answer, over all rows (asserted or not). */
  erroredRequests = 0;
  /** The first errored requests, as console lines. */
  readonly firstErrors: string[] = [];

  /** Adds one request; `rowOrder` places its JUnit case in dataset order. */
  add(record: RequestRecord, judgement: RequestJudgement, cellLabel: string, rowOrder: number): void {
    const errored = gotNoAnswer(record);
    if (judgement.result !== 'none') {
      const cell = this.cells.get(record.cellId) ?? { passed: 0, failed: 0, errored: 0, skipped: 0 };
      if (errored) cell.errored++;
      else if (judgement.result === 'pass') cell.passed++;
      else if (judgement.result === 'fail') cell.failed++;
      else cell.skipped++;
      this.cells.set(record.cellId, cell);
      if (!errored) this.addScores(record.cellId, judgement);
    }
    const key = `${record.cellId}\u0000${rowOrder}`;
    let tally = this.cases.get(key);
    if (tally === undefined) {
      tally = { rowId: record.rowId, rowOrder, cellId: record.cellId, cellLabel, requests: 0, seconds: 0, failures: [], errors: [], skips: [] };
      this.cases.set(key, tally);
    }
    tally.requests++;
    if (record.outcome === 'ok' && record.latencyMs !== undefined) tally.seconds += record.latencyMs / 1000;
    if (errored) {
      const reason = noAnswerReason(record);
      tally.errors.push({ repeat: record.repeat, reason, outcome: record.outcome, ...(record.errorCode !== undefined ? { code: record.errorCode } : {}) });
      this.erroredRequests++;
      if (this.firstErrors.length < LISTED_FAILURES)
        this.firstErrors.push(`request error: row ${JSON.stringify(record.rowId)} × ${cellLabel} (repeat ${record.repeat}): ${reason}`);
      return;
    }
    // A row without assertions still has a test case: it passes when the request got an answer.
    const status = judgement.result !== 'none' ? judgement : caseOfUnasserted(record);
    if (status.result === 'fail') {
      tally.failures.push({ repeat: record.repeat, reason: status.reason });
      this.failedRequests++;
      if (this.firstFailures.length < LISTED_FAILURES) {
        this.firstFailures.push(`assertion failed: row ${JSON.stringify(record.rowId)} × ${cellLabel} (repeat ${record.repeat}): ${status.reason}`);
      }
    } else if (status.result === 'skip') {
      tally.skips.push({ repeat: record.repeat, reason: status.reason });
    }
  }

  /** The scores of an answered request: the row's, and each named metric's over the assertions that carry it. */
  private addScores(cellId: string, judgement: RequestJudgement): void {
    const scores = this.scores.get(cellId) ?? { scoreSum: 0, scored: 0, metrics: new Map() };
    this.scores.set(cellId, scores);
    if (judgement.score !== undefined) {
      scores.scoreSum += judgement.score;
      scores.scored++;
    }
    const byMetric = new Map<string, NonNullable<RequestJudgement['outcomes']>>();
    for (const outcome of judgement.outcomes ?? []) {
      if (outcome.metric === undefined || outcome.outcome === 'skip') continue;
      byMetric.set(outcome.metric, [...(byMetric.get(outcome.metric) ?? []), outcome]);
    }
    for (const [name, outcomes] of byMetric) {
      const metric = scores.metrics.get(name) ?? { scoreSum: 0, scored: 0, passed: 0, failed: 0 };
      scores.metrics.set(name, metric);
      const score = weightedScore(outcomes);
      if (score !== undefined) {
        metric.scoreSum += score;
        metric.scored++;
      }
      for (const outcome of outcomes) {
        if (outcome.outcome === 'pass') metric.passed++;
        else metric.failed++;
      }
    }
  }

  /** The pass counts and scores of a cell; undefined when none of its requests had assertions. */
  cellAssertions(cellId: string): CellAssertions | undefined {
    const cell = this.cells.get(cellId);
    if (cell === undefined) return undefined;
    // An errored request counts against the pass rate: a row that got no answer did not pass.
    const checked = cell.passed + cell.failed + cell.errored;
    const scores = this.scores.get(cellId);
    const metrics = scores === undefined ? [] : [...scores.metrics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      ...cell,
      passRate: checked > 0 ? round6(cell.passed / checked) : null,
      score: scores !== undefined && scores.scored > 0 ? round6(scores.scoreSum / scores.scored) : null,
      ...(metrics.length > 0
        ? {
            metrics: Object.fromEntries(
              metrics.map(([name, m]) => [name, { score: m.scored > 0 ? round6(m.scoreSum / m.scored) : null, passed: m.passed, failed: m.failed }]),
            ),
          }
        : {}),
    };
  }

  /** Row x cell tallies, cells in the order given and rows in dataset order. */
  rowCells(cellOrder: readonly string[]): RowCellTally[] {
    const rank = new Map(cellOrder.map((id, index) => [id, index]));
    return [...this.cases.values()].sort((x, y) => (rank.get(x.cellId) ?? 0) - (rank.get(y.cellId) ?? 0) || x.rowOrder - y.rowOrder);
  }
}

/** Sent and got no answer: the request errored (as opposed to never sent, or answered). */
export function gotNoAnswer(record: Pick<RequestRecord, 'outcome'>): boolean {
  return record.outcome === 'failed' || record.outcome === 'throttled' || record.outcome === 'timeout';
}

function caseOfUnasserted(record: RequestRecord): RequestJudgement {
  if (record.outcome === 'ok') return { result: 'pass', reason: '' };
  return { result: 'skip', reason: `not sent: ${record.errorMsg ?? record.outcome}` };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
