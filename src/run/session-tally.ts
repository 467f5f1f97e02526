/**
 * Per-cell figures of a --sessions run, from its finished turns: conversations completed and ended
 * early (and why), history cleared or trimmed, session latency (first turn's dispatch to last turn's
 * end) and time to first token by the length of the history a turn carried.
 */
import { createHistogram, recordMs, summarise, type Histogram } from '../metrics/histogram.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import type { CellSessions } from '../metrics/types.js';

/** History buckets by the earlier turns a turn was sent with: narrow where most sessions are, wide past them. */
const BUCKETS: ReadonlyArray<{ label: string; upTo: number }> = [
  { label: '0', upTo: 0 },
  { label: '1', upTo: 1 },
  { label: '2', upTo: 2 },
  { label: '3-4', upTo: 4 },
  { label: '5-8', upTo: 8 },
  { label: '9+', upTo: Number.POSITIVE_INFINITY },
];

export function historyBucket(priorTurns: number): string {
  return BUCKETS.find((bucket) => priorTurns <= bucket.upTo)?.label ?? '9+';
}

interface ConversationState {
  planned: number;
  ok: number;
  firstDispatchAt?: number;
  lastDoneAt?: number;
  endedBy?: string;
}

interface CellState {
  conversations: Map<string, ConversationState>;
  cleared: number;
  trimmed: number;
  ttft: Map<string, Histogram>;
}

export class SessionTally {
  private readonly cells = new Map<string, CellState>();

  record(finished: FinishedRequest): void {
    const { record } = finished;
    if (record.sessionId === undefined) return;
    let cell = this.cells.get(record.cellId);
    if (cell === undefined) {
      cell = { conversations: new Map(), cleared: 0, trimmed: 0, ttft: new Map() };
      this.cells.set(record.cellId, cell);
    }
    const key = `${record.sessionId}\u0000${record.repeat}`;
    let conversation = cell.conversations.get(key);
    if (conversation === undefined) {
      conversation = { planned: 0, ok: 0 };
      cell.conversations.set(key, conversation);
    }
    conversation.planned++;
    const action = record.historyAction;
    if (action === 'cleared') cell.cleared++;
    else if (action?.startsWith('trimmed:') === true) cell.trimmed++;
    else if (action?.startsWith('ended:') === true) conversation.endedBy ??= action.slice('ended:'.length);
    if (finished.dispatchedAt !== undefined)
      conversation.firstDispatchAt = Math.min(conversation.firstDispatchAt ?? finished.dispatchedAt, finished.dispatchedAt);
    if (finished.doneAt !== undefined) conversation.lastDoneAt = Math.max(conversation.lastDoneAt ?? finished.doneAt, finished.doneAt);
    if (record.outcome !== 'ok') return;
    conversation.ok++;
    if (record.ttftMs !== undefined && record.historyMessages !== undefined) {
      const bucket = historyBucket(Math.max(0, (record.historyMessages - 1) / 2));
      let histogram = cell.ttft.get(bucket);
      if (histogram === undefined) {
        histogram = createHistogram();
        cell.ttft.set(bucket, histogram);
      }
      recordMs(histogram, record.ttftMs);
    }
  }

  /** The cell's figures; undefined for a cell without session turns. */
  summaryOf(cellId: string): CellSessions | undefined {
    const cell = this.cells.get(cellId);
    if (cell === undefined) return undefined;
    const latency = createHistogram();
    const endedEarly: Record<string, number> = {};
    let completed = 0;
    let turnsPlanned = 0;
    let turnsOk = 0;
    for (const conversation of cell.conversations.values()) {
      turnsPlanned += conversation.planned;
      turnsOk += conversation.ok;
      if (conversation.endedBy !== undefined) endedEarly[conversation.endedBy] = (endedEarly[conversation.endedBy] ?? 0) + 1;
      if (conversation.ok !== conversation.planned) continue;
      completed++;
      if (conversation.firstDispatchAt !== undefined && conversation.lastDoneAt !== undefined)
        recordMs(latency, conversation.lastDoneAt - conversation.firstDispatchAt);
    }
    const ttftByHistory = BUCKETS.flatMap(({ label }) => {
      const histogram = cell.ttft.get(label);
      if (histogram === undefined || histogram.totalCount === 0) return [];
      const figures = summarise(histogram);
      return [{ priorTurns: label, turns: figures.count, ttftP50Ms: figures.p50, ttftP95Ms: figures.p95 }];
    });
    return {
      conversations: cell.conversations.size,
      completed,
      turnsPlanned,
      turnsOk,
      endedEarly,
      cleared: cell.cleared,
      trimmed: cell.trimmed,
      latencyMs: summarise(latency),
      ttftByHistory,
    };
  }
}
