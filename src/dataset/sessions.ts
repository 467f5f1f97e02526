/**
 * Session datasets (`--sessions FILE`): one conversation per JSONL line,
 *   {"id": "s1", "turns": ["first user turn", "second user turn", …], "system"?: "…", "think_time"?: 2}
 * Only the user side is given: each later turn is sent with the model's real answers to the earlier
 * ones (src/load/session-runner.ts). `think_time` (seconds) overrides --think-time for that session.
 * Errors are `FILE:LINE: …`, as for other datasets; blank lines are skipped.
 */
import { datasetError } from '../errors.js';
import { IdRegistry, NOT_UTF8_HINT, assertReadableFile, at, defaultId, describeValue, fileError, isPlainObject, quoteList } from './common.js';
import { parseJsonLine } from './jsonl.js';
import { readFileLines } from './line-stream.js';
import type { DatasetRow, RowSource } from './types.js';

export interface SessionScript {
  id: string;
  source: RowSource;
  /** The user turns, in order; at least one, none blank. */
  turns: string[];
  system?: string;
  /** Seconds between an answer and the next turn; overrides --think-time. */
  thinkTimeS?: number;
}

/** A planned request's place in its session (`RequestPlan.turn`), written to requests.csv. */
export interface SessionTurn {
  sessionId: string;
  /** 1-based. */
  turn: number;
  /** Messages sent: the history kept plus this turn; absent for a turn that was never built (its session had ended). */
  historyMessages?: number;
  /** Code points of `system` plus every content sent. */
  historyChars?: number;
  /**
   * What happened to the history: `trimmed:N` (oldest N turns left out to fit), `cleared` (need_clear_history);
   * on the first turn not sent after the session ended early, `ended:WHY` (the ending turn's outcome, `overflow`, `empty_answer`).
   */
  historyAction?: string;
}

const KEYS = ['id', 'turns', 'system', 'think_time', 'metadata'] as const;

export async function loadSessions(file: string): Promise<SessionScript[]> {
  await assertReadableFile(file);
  const sessions: SessionScript[] = [];
  const ids = new IdRegistry(file);
  // A stream, line by line: a file of many sessions is never one string.
  try {
    for await (const { text: line, line: lineNumber } of readFileLines(file)) {
      if (line.trim() === '') continue;
      if (line.includes('\uFFFD')) throw datasetError(at(file, lineNumber), NOT_UTF8_HINT);
      const session = parseSessionRecord(line, file, lineNumber);
      ids.add(session.id, lineNumber);
      sessions.push(session);
    }
  } catch (error) {
    throw fileError(file, error);
  }
  if (sessions.length === 0) throw datasetError(file, 'the file has no sessions (it is empty or blank)');
  return sessions;
}

export function parseSessionRecord(text: string, file: string, line: number): SessionScript {
  const where = at(file, line);
  const fail = (message: string): never => {
    throw datasetError(where, message);
  };
  // Explained with its column, never echoing the line (which may be megabytes) back.
  const value = parseJsonLine(text, file, line);
  if (!isPlainObject(value)) return fail(`expected a JSON object such as {"id": "s1", "turns": ["…", "…"]}; got ${describeValue(value)}`);
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) fail(`unknown key ${JSON.stringify(key)}; allowed keys are ${quoteList(KEYS)}`);
  }
  const { id, turns, system, think_time: thinkTime } = value;
  let sessionId: string;
  if (id === undefined) sessionId = defaultId(file, line);
  else if (typeof id === 'number' && Number.isFinite(id)) sessionId = String(id);
  else if (typeof id === 'string' && id.trim() !== '') sessionId = id.trim();
  else return fail(`"id" must be a non-empty string or a number; got ${describeValue(id)}`);
  if (!Array.isArray(turns) || turns.length === 0) {
    return fail(`"turns" must be a non-empty array of user messages (strings); got ${Array.isArray(turns) ? 'an empty array' : describeValue(turns)}`);
  }
  const userTurns = turns.map((turn: unknown, index) => {
    if (typeof turn !== 'string') return fail(`turns[${index}] must be a string (the user's message); got ${describeValue(turn)}`);
    if (turn.trim() === '') return fail(`turns[${index}] is blank; Qianfan v1 refuses an empty message`);
    return turn;
  });
  const session: SessionScript = { id: sessionId, source: { file, line }, turns: userTurns };
  if (system !== undefined) {
    if (typeof system !== 'string') return fail(`"system" must be a string; got ${describeValue(system)}`);
    if (system.trim() !== '') session.system = system;
  }
  if (thinkTime !== undefined) {
    if (typeof thinkTime !== 'number' || !Number.isFinite(thinkTime) || thinkTime < 0 || thinkTime > 3600) {
      return fail(`"think_time" must be seconds from 0 to 3600; got ${describeValue(thinkTime)}`);
    }
    session.thinkTimeS = thinkTime;
  }
  return session;
}

/** The id of turn `turn` (1-based) of a session: its rows in requests.csv and the assertion matrix. */
export function turnRowId(sessionId: string, turn: number): string {
  return `${sessionId}#t${turn}`;
}

/**
 * Each turn alone as a dataset row (one user message, the session's system): what the checks before
 * sending, the estimate and the simulator's dataset answers see. The history a turn is sent with is
 * known only during the run.
 */
export function sessionTurnRows(sessions: readonly SessionScript[]): DatasetRow[] {
  return sessions.flatMap((session) =>
    session.turns.map((content, index) => {
      const row: DatasetRow = { id: turnRowId(session.id, index + 1), source: session.source, messages: [{ role: 'user', content }], vars: {} };
      if (session.system !== undefined) row.system = session.system;
      return row;
    }),
  );
}
