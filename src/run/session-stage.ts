/**
 * A stage of a --sessions run: its conversations (each session against each cell, per repeat, in a
 * seeded order), the plan they make (each turn alone: what the estimate and a run that sends nothing
 * see), and the driver that runs them as live conversations (src/load/session-runner.ts).
 */
import type { RunConfig } from '../config/run-config.js';
import type { SessionScript } from '../dataset/sessions.js';
import { NO_LIMITS, type HistoryLimits } from '../dataset/sessions-history.js';
import { configError } from '../errors.js';
import type { RunnerFeed } from '../load/runner.js';
import { conversationTurns, sessionDriver, type Conversation } from '../load/session-runner.js';
import { buildCells, type CellPlan, type Plan, type RequestPlan } from '../plan/plan.js';
import { targetProfile } from '../providers/qianfan/validation-target.js';
import { findModel } from '../qianfan/spec/catalog.js';
import { seededRandom, shuffleInPlace, type Random } from '../util/random.js';
import type { PreparedRun } from './prepare-run.js';

export interface SessionStage {
  plan: Plan;
  drive: (feed: RunnerFeed) => Promise<number>;
}

type SessionSettings = Pick<
  RunConfig,
  'api' | 'stream' | 'seed' | 'repeat' | 'thinkTime' | 'sessionOverflow' | 'maxRequests' | 'duration' | 'endpoints' | 'baseModel'
>;

/** The stage's sessions plan and driver; undefined when the run has no --sessions. */
export function sessionStageOf(
  config: SessionSettings,
  prepared: Pick<PreparedRun, 'sessions' | 'targets' | 'grid' | 'catalog'>,
  sessionsInFlight: number,
  label?: { cellIdOffset: number; label: string },
): SessionStage | undefined {
  const sessions = prepared.sessions;
  if (sessions === undefined) return undefined;
  const cells = buildCells(prepared.targets, prepared.grid, config.api, label);
  const other = cells.find((cell) => cell.api !== 'chat');
  if (other !== undefined) throw configError(`--sessions: ${other.model} is not a chat model (its API is ${other.api}); sessions are conversations`);
  const conversations = conversationOrder(sessions, cells, config);
  const turnsPerRepeat = sessions.reduce((sum, session) => sum + session.turns.length, 0);
  const requestsPerCell = turnsPerRepeat * config.repeat;
  function* requests(options: { cycle?: boolean } = {}): Generator<RequestPlan> {
    let seq = 0;
    for (const conversation of conversations(options.cycle === true)) {
      yield* conversationTurns(conversation, seq);
      seq += conversation.session.turns.length;
    }
  }
  const plan: Plan = { cells, requestsPerCell, size: requestsPerCell * cells.length, requests, api: config.api, stream: config.stream };
  const limits = new Map(cells.map((cell) => [cell.id, historyLimitsOf(cell, config, prepared)]));
  const drive = sessionDriver({
    conversations,
    sessionsInFlight,
    bounded: config.duration !== undefined || config.maxRequests !== undefined,
    ...(config.maxRequests !== undefined ? { maxTurns: config.maxRequests } : {}),
    overflow: config.sessionOverflow,
    limitsOf: (cell) => limits.get(cell.id) ?? NO_LIMITS,
    thinkTimeMs: thinkTimeSampler(config.thinkTime, seededRandom(config.seed ^ 0x7417)),
  });
  return { plan, drive };
}

/** For each repeat, the sessions in a shuffled order, each against every cell in a shuffled order (as rows and cells interleave). */
function conversationOrder(sessions: readonly SessionScript[], cells: readonly CellPlan[], config: Pick<RunConfig, 'seed' | 'repeat'>) {
  return function* conversations(cycle: boolean): Generator<Conversation> {
    const random = seededRandom(config.seed);
    for (let repeat = 0; cycle || repeat < config.repeat; repeat++) {
      for (const session of shuffleInPlace([...sessions], random)) {
        for (const cell of shuffleInPlace([...cells], random)) yield { session, cell, repeat };
      }
    }
  };
}

/** The input budgets a cell's history must keep within: its catalog entry's, or its custom service's. */
function historyLimitsOf(cell: CellPlan, config: Pick<RunConfig, 'endpoints' | 'baseModel'>, prepared: Pick<PreparedRun, 'catalog'>): HistoryLimits {
  if (config.endpoints.includes(cell.endpoint) && cell.model === cell.endpoint) {
    const baseModel = config.baseModel !== undefined ? findModel(prepared.catalog, config.baseModel) : undefined;
    const profile = targetProfile({ model: cell.model, endpoint: cell.endpoint, ...(baseModel !== undefined ? { baseModel } : {}) });
    return { maxInputChars: profile.maxInputChars, maxInputTokens: profile.maxInputTokens };
  }
  const entry = findModel(prepared.catalog, cell.model);
  return entry !== undefined ? { maxInputChars: entry.maxInputChars, maxInputTokens: entry.maxInputTokens } : NO_LIMITS;
}

/** `2` -> always 2 s; `1-3` -> uniform in [1, 3] s; a session's own think_time wins. Milliseconds. */
export function thinkTimeSampler(text: string | undefined, random: Random): (session: SessionScript) => number {
  const range = parseThinkTime(text);
  return (session) => {
    if (session.thinkTimeS !== undefined) return session.thinkTimeS * 1000;
    if (range === undefined) return 0;
    return (range.min + (range.max - range.min) * random()) * 1000;
  };
}

export function parseThinkTime(text: string | undefined): { min: number; max: number } | undefined {
  if (text === undefined) return undefined;
  const [low, high] = text.split('-').map(Number);
  if (low === undefined || !Number.isFinite(low))
    throw configError(`--think-time: expected seconds such as 2 or a range such as 1-3; got ${JSON.stringify(text)}`);
  const max = high ?? low;
  if (!Number.isFinite(max) || max < low) throw configError(`--think-time: the range ${text} must go from the lower to the higher number of seconds`);
  if (max > 3600) throw configError(`--think-time: at most 3600 seconds; got ${text}`);
  return { min: low, max };
}
