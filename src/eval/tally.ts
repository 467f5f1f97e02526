/**
 * What the requests of a run concluded, kept as they finish: per cell the assertion counts (the
 * pass rate, over every repeat), per row x cell what JUnit needs (one test case each), and the
 * first few failures word for word for the console. Memory grows with rows x cells, not requests.
 */
import type { CellAssertions, RequestRecord } from '../metrics/types.js';
import type { RequestJudgement } from './judge-request.js';
import { noAnswerReason } from './judge-request.js';

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
  failures: Array<{ repeat: number; reason: string }>;
  skips: Array<{ repeat: number; reason: string }>;
}

export const LISTED_FAILURES = 20;

export class AssertionTally {
  private readonly cells = new Map<string, { passed: number; failed: number; skipped: number }>();
  private readonly cases = new Map<string, RowCellTally>();
  /** The first failures, as console lines. */
  readonly firstFailures: string[] = [];
  failedRequests = 0;

  /** Adds one request; `rowOrder` places its JUnit case in dataset order. */
  add(record: RequestRecord, judgement: RequestJudgement, cellLabel: string, rowOrder: number): void {
    if (judgement.result !== 'none') {
      const cell = this.cells.get(record.cellId) ?? { passed: 0, failed: 0, skipped: 0 };
      if (judgement.result === 'pass') cell.passed++;
      else if (judgement.result === 'fail') cell.failed++;
      else cell.skipped++;
      this.cells.set(record.cellId, cell);
    }
    const key = `${record.cellId}\u0000${rowOrder}`;
    let tally = this.cases.get(key);
    if (tally === undefined) {
      tally = { rowId: record.rowId, rowOrder, cellId: record.cellId, cellLabel, requests: 0, seconds: 0, failures: [], skips: [] };
      this.cases.set(key, tally);
    }
    tally.requests++;
    if (record.outcome === 'ok' && record.latencyMs !== undefined) tally.seconds += record.latencyMs / 1000;
    // A row without assertions still has a test case: it passes when the request got an answer.
    const status = judgement.result !== 'none' ? judgement : caseOfUnasserted(record);
    if (status.result === 'fail') {
      tally.failures.push({ repeat: record.repeat, reason: status.reason });
      if (judgement.result === 'fail') {
        this.failedRequests++;
        if (this.firstFailures.length < LISTED_FAILURES) {
          this.firstFailures.push(`assertion failed: row ${JSON.stringify(record.rowId)} × ${cellLabel} (repeat ${record.repeat}): ${judgement.reason}`);
        }
      }
    } else if (status.result === 'skip') {
      tally.skips.push({ repeat: record.repeat, reason: status.reason });
    }
  }

  /** The pass counts of a cell; undefined when none of its requests had assertions. */
  cellAssertions(cellId: string): CellAssertions | undefined {
    const cell = this.cells.get(cellId);
    if (cell === undefined) return undefined;
    const checked = cell.passed + cell.failed;
    return { ...cell, passRate: checked > 0 ? Math.round((cell.passed / checked) * 1e6) / 1e6 : null };
  }

  /** Row x cell tallies, cells in the order given and rows in dataset order. */
  rowCells(cellOrder: readonly string[]): RowCellTally[] {
    const rank = new Map(cellOrder.map((id, index) => [id, index]));
    return [...this.cases.values()].sort((x, y) => (rank.get(x.cellId) ?? 0) - (rank.get(y.cellId) ?? 0) || x.rowOrder - y.rowOrder);
  }
}

function caseOfUnasserted(record: RequestRecord): RequestJudgement {
  if (record.outcome === 'ok') return { result: 'pass', reason: '' };
  if (record.outcome === 'cancelled' || record.outcome === 'dropped') return { result: 'skip', reason: `not sent: ${record.errorMsg ?? record.outcome}` };
  return { result: 'fail', reason: noAnswerReason(record) };
}
