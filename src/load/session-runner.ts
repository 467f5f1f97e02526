/**
 * Sessions as conversations (--sessions). Closed loop: `-c` is the sessions in flight; each runs
 * its turns strictly one after another, and turn k+1 is built when turn k has ended, from the
 * model's real answer (src/dataset/sessions-history.ts applies the v1 rules). Every turn goes
 * through the runner's one per-request path (limiter, retries, budgets, sinks), and every planned
 * turn ends as exactly one record: a turn after its session ended early is `dropped` (never sent,
 * with the reason), or `cancelled` when the run was stopped.
 */
import { unansweredRecord, type FinishedRequest } from '../metrics/request-record.js';
import type { CellPlan, RequestPlan } from '../plan/plan.js';
import { turnRowId, type SessionScript, type SessionTurn } from '../dataset/sessions.js';
import { turnMessages, type HistoryLimits, type HistoryOverflow, type TurnPair } from '../dataset/sessions-history.js';
import type { DatasetRow } from '../dataset/types.js';
import { now, sleep } from '../util/clock.js';
import type { RunnerFeed } from './runner.js';

/** One session against one cell, once: the unit the sessions in flight take in turn. */
export interface Conversation {
  session: SessionScript;
  cell: CellPlan;
  repeat: number;
}

export interface SessionDriveOptions {
  /** The conversations in dispatch order; with `cycle`, without end (a run bounded by time or requests). */
  conversations: (cycle: boolean) => Iterable<Conversation>;
  sessionsInFlight: number;
  /** --duration or --max-requests bounds the run: the conversations cycle until then. */
  bounded: boolean;
  /** --max-requests: turns planned at most; the last conversation started is cut short to fit. */
  maxTurns?: number;
  overflow: HistoryOverflow;
  limitsOf: (cell: CellPlan) => HistoryLimits;
  /** Milliseconds to wait between an answer and the next turn of this session. */
  thinkTimeMs: (session: SessionScript) => number;
}

/** A conversation's turns: the static view (each turn alone) for estimates and runs that send nothing. */
export function* conversationTurns(conversation: Conversation, firstSeq: number, turns = conversation.session.turns.length): Generator<RequestPlan> {
  const { session, cell, repeat } = conversation;
  for (let turn = 1; turn <= turns; turn++) {
    const content = session.turns[turn - 1] ?? '';
    yield { seq: firstSeq + turn - 1, cell, repeat, row: turnRow(session, turn, [{ role: 'user', content }]), turn: { sessionId: session.id, turn } };
  }
}

function turnRow(session: SessionScript, turn: number, messages: DatasetRow['messages']): DatasetRow {
  const row: DatasetRow = { id: turnRowId(session.id, turn), source: session.source, messages, vars: {} };
  if (session.system !== undefined) row.system = session.system;
  return row;
}

/** The `drive` of runPlan for sessions: returns the turns planned. */
export function sessionDriver(options: SessionDriveOptions): (feed: RunnerFeed) => Promise<number> {
  return async (feed) => {
    const source = options.conversations(options.bounded)[Symbol.iterator]();
    let planned = 0;
    let halted = false;
    const deadlinePassed = (): boolean => now() >= feed.deadline;

    /** The next conversation and the seq of its first turn; undefined when none may start. */
    function take(): { conversation: Conversation; firstSeq: number; turns: number } | undefined {
      if (halted) return undefined;
      const room = options.maxTurns !== undefined ? options.maxTurns - planned : Number.POSITIVE_INFINITY;
      if (room <= 0) return undefined;
      // A plan that cycles has no end of its own: a stop, the deadline or a reached budget ends it.
      if (options.bounded && planned > 0 && (feed.stopped() || deadlinePassed() || feed.gate() !== undefined)) return undefined;
      const next = source.next();
      if (next.done === true) return undefined;
      const turns = Math.min(next.value.session.turns.length, room);
      const firstSeq = planned;
      planned += turns;
      return { conversation: next.value, firstSeq, turns };
    }

    /**
     * Ends the turns left unsent, the first marked `ended:WHY` (the outcome of the turn that ended the
     * session, `overflow` or `empty_answer`); false once a sink failed.
     */
    async function endRest(specs: RequestPlan[], reason: string, why: string): Promise<boolean> {
      for (const [index, unsent] of specs.entries()) {
        const turn = unsent.turn;
        const spec = index === 0 && turn !== undefined ? { ...unsent, turn: { ...turn, historyAction: `ended:${why}` } } : unsent;
        const finished: FinishedRequest = feed.stopped()
          ? unansweredRecord(spec, 'cancelled', 'run stopped before this request was sent')
          : unansweredRecord(spec, 'dropped', reason);
        if (!(await feed.end(finished))) return false;
      }
      return true;
    }

    /** Runs one conversation to its end; false once a sink failed. */
    async function converse(conversation: Conversation, firstSeq: number, turns: number): Promise<boolean> {
      const { session, cell, repeat } = conversation;
      const limits = options.limitsOf(cell);
      const statics = [...conversationTurns(conversation, firstSeq, turns)];
      let pairs: TurnPair[] = [];
      let cleared = false;
      for (let turn = 1; turn <= turns; turn++) {
        const userTurn = session.turns[turn - 1] ?? '';
        const built = turnMessages(pairs, userTurn, session.system, limits, options.overflow);
        const seq = firstSeq + turn - 1;
        if (!built.ok) return endRest(statics.slice(turn - 1), built.reason, 'overflow');
        pairs = pairs.slice(built.trimmedPairs);
        const info: SessionTurn = { sessionId: session.id, turn, historyMessages: built.messages.length, historyChars: built.chars };
        if (cleared) info.historyAction = 'cleared';
        else if (built.trimmedPairs > 0) info.historyAction = `trimmed:${built.trimmedPairs}`;
        const spec: RequestPlan = { seq, cell, repeat, row: turnRow(session, turn, built.messages), turn: info };
        const finished = await feed.send(spec, now());
        if (finished === undefined) return false;
        const rest = statics.slice(turn);
        if (rest.length === 0) return true;
        const { record } = finished;
        if (record.outcome !== 'ok') return endRest(rest, feed.gate() ?? `session ended at turn ${turn} (${record.outcome})`, record.outcome);
        // v1's need_clear_history: the platform asks the client to clear the history; the next turn goes alone.
        cleared = record.needClearHistory === true;
        if (cleared) pairs = [];
        else if (record.output === '')
          return endRest(rest, `session ended at turn ${turn}: the answer was empty (v1 refuses an empty assistant message)`, 'empty_answer');
        else pairs.push({ user: userTurn, assistant: record.output });
        const thinkMs = options.thinkTimeMs(session);
        if (thinkMs > 0 && !feed.stopped()) await sleep(Math.min(thinkMs, feed.deadline - now()), feed.signal);
      }
      return true;
    }

    async function worker(): Promise<void> {
      for (let next = take(); next !== undefined; next = take()) {
        if (!(await converse(next.conversation, next.firstSeq, next.turns))) {
          halted = true;
          return;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, options.sessionsInFlight) }, () => worker()));
    return planned;
  };
}
