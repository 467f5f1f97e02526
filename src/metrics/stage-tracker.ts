/**
 * Offered, dispatched and completed rates of one stage, and how late an open-loop schedule ran.
 * A few counters, whatever the number of requests.
 */
import type { FinishedRequest } from './request-record.js';
import type { CellLoad, StageSummary } from './types.js';
import { SessionWindows } from './session-windows.js';
import { round3 } from '../util/round.js';

/** An open-loop request that started this much after it was due counts as late. */
export const LATE_THRESHOLD_MS = 10;

export class StageTracker {
  private planned = 0;
  private started = 0;
  private completed = 0;
  private late = 0;
  private maxLagMs = 0;
  private readonly windows = new SessionWindows();

  constructor(
    readonly load: CellLoad,
    private readonly openLoop: boolean,
  ) {}

  record(finished: FinishedRequest): void {
    const { record } = finished;
    this.planned++;
    if (record.attempts > 0) this.started++;
    if (record.outcome !== 'cancelled' && record.outcome !== 'dropped') this.completed++;
    this.windows.add(record.session ?? 0, finished.dispatchedAt, finished.doneAt);
    if (this.openLoop && record.queueMs !== undefined) {
      if (record.queueMs > LATE_THRESHOLD_MS) this.late++;
      this.maxLagMs = Math.max(this.maxLagMs, record.queueMs);
    }
  }

  summary(extra: { offeredWindowMs?: number; limiters?: StageSummary['limiters'] } = {}): StageSummary {
    const windowMs = this.windows.totalMs();
    const perSecond = (count: number, ms: number): number => (ms > 0 ? round3(count / (ms / 1000)) : 0);
    const summary: StageSummary = {
      load: this.load,
      planned: this.planned,
      started: this.started,
      completed: this.completed,
      windowMs: round3(windowMs),
      dispatchedRatePerSec: perSecond(this.started, windowMs),
      completedRatePerSec: perSecond(this.completed, windowMs),
    };
    if (this.openLoop) {
      summary.offeredRatePerSec = this.load.value;
      summary.late = this.late;
      summary.maxLagMs = round3(this.maxLagMs);
    }
    if (extra.limiters !== undefined) summary.limiters = extra.limiters;
    return summary;
  }
}
