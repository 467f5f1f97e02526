/**
 * The capacity search, as pure functions of the stages run so far: the load of the next stage and
 * the answer. Growth doubles from the start until a stage fails (halving instead while nothing has
 * met the SLO yet), then bisects between the highest load that met it and the lowest above that
 * failed, until that interval is within the precision. A load the quota cannot carry ends growth:
 * the search never offers more than the quota, and says the quota was the limit. A stage the client
 * could not send at its rate (the -c cap or the machine) ends the search too: its result says
 * nothing about the endpoint. A stage the run was stopped in is not judged at all.
 */
import type { CapacitySummary } from '../metrics/goodput-schema.js';

export interface CapacitySearchSettings {
  searched: 'rate' | 'concurrency';
  start: number;
  /** Stop when high - low <= precision x low (and, for concurrency, when they are neighbours). */
  precision: number;
  maxStages: number;
  /** The highest load worth trying (the schema's limit for -c or --rate). */
  maxLoad: number;
}

/** What one stage found. */
export interface CapacityStage {
  load: number;
  attainment: number | null;
  meets: boolean;
  stoppedEarly: boolean;
  /** The quota held the stage back (throttled requests, the limiter paced or cut it). */
  quotaBound: boolean;
  /** Requests per second the quota allows, when a limiter learned it (open loop never offers more). */
  quotaRatePerSec?: number | undefined;
  /** An open-loop stage the client could not send at its rate (the -c cap or the machine): it does not count as met. */
  clientBound?: boolean | undefined;
  /** The rate the stage actually sent, for the conclusion of a client-bound stage. */
  dispatchedRatePerSec?: number | undefined;
  /** False for a stage the run was stopped in (Ctrl-C): left out of the answer. */
  judged?: boolean | undefined;
}

export type CapacityAnswer = NonNullable<CapacitySummary['answer']>;
export type CapacityLimit = CapacitySummary['limitedBy'];

/** The lowest load tried: one request in flight, or a rate this many times below the start. */
const RATE_FLOOR_DIVISOR = 64;

interface Bracket {
  /** The highest load that met the SLO. */
  good: CapacityStage | undefined;
  /** The lowest load above `good` that failed it. */
  bad: CapacityStage | undefined;
}

/** The stages that say something about the endpoint: judged, and sent at the load they are named after. */
function evidenceOf(history: readonly CapacityStage[]): CapacityStage[] {
  return history.filter((stage) => stage.judged !== false && stage.clientBound !== true);
}

function bracketOf(all: readonly CapacityStage[]): Bracket {
  const history = evidenceOf(all);
  let good: CapacityStage | undefined;
  for (const stage of history) if (stage.meets && (good === undefined || stage.load > good.load)) good = stage;
  let bad: CapacityStage | undefined;
  for (const stage of history) {
    if (stage.meets || (good !== undefined && stage.load <= good.load)) continue;
    if (bad === undefined || stage.load < bad.load) bad = stage;
  }
  return { good, bad };
}

/** The most the quota lets the search offer: the lowest rate a limiter learned, for a rate search. */
function quotaCeiling(settings: CapacitySearchSettings, history: readonly CapacityStage[]): number {
  let ceiling = settings.maxLoad;
  if (settings.searched === 'rate') for (const stage of history) if (stage.quotaRatePerSec !== undefined) ceiling = Math.min(ceiling, stage.quotaRatePerSec);
  return ceiling;
}

function floorOf(settings: CapacitySearchSettings): number {
  return settings.searched === 'concurrency' ? 1 : settings.start / RATE_FLOOR_DIVISOR;
}

/** Concurrency is whole requests; a rate keeps three significant digits so stage labels stay readable. */
function tidy(settings: CapacitySearchSettings, value: number): number {
  if (settings.searched === 'concurrency') return Math.max(1, Math.floor(value));
  return Number(value.toPrecision(3));
}

export function converged(settings: CapacitySearchSettings, low: number, high: number): boolean {
  if (settings.searched === 'concurrency' && high - low <= 1) return true;
  return high - low <= settings.precision * low;
}

/** The load of the next stage, or undefined when the search is over. */
export function nextCapacityLoad(settings: CapacitySearchSettings, history: readonly CapacityStage[]): number | undefined {
  const ceiling = quotaCeiling(settings, history);
  if (history.length === 0) return tidy(settings, Math.min(settings.start, ceiling));
  if (history.length >= settings.maxStages) return undefined;
  // Past a load the client could not send, or after a stopped stage, nothing more can be learned.
  if (history.some((stage) => stage.clientBound === true || stage.judged === false)) return undefined;
  const tried = new Set(history.map((stage) => stage.load));
  const fresh = (load: number): number | undefined => (tried.has(load) ? undefined : load);
  const { good, bad } = bracketOf(history);
  if (good === undefined) {
    // Nothing met the SLO yet: halve below the lowest load tried, down to the floor.
    const lowest = Math.min(...history.map((stage) => stage.load));
    if (lowest <= floorOf(settings)) return undefined;
    return fresh(tidy(settings, Math.max(floorOf(settings), lowest / 2)));
  }
  if (bad === undefined) {
    // Everything tried met it: grow, unless the quota already held the best stage back.
    if (good.quotaBound || good.load >= ceiling) return undefined;
    return fresh(tidy(settings, Math.min(good.load * 2, ceiling)));
  }
  if (converged(settings, good.load, bad.load)) return undefined;
  const middle = tidy(settings, (good.load + bad.load) / 2);
  return middle > good.load && middle < bad.load ? fresh(middle) : undefined;
}

/** What the search found: the highest load that met the SLO, the interval around it, and what limited it. */
export function capacityAnswer(
  settings: CapacitySearchSettings,
  history: readonly CapacityStage[],
): { answer: CapacityAnswer | null; limitedBy: CapacityLimit; conclusion: string } {
  const { good, bad } = bracketOf(history);
  const unit = settings.searched === 'rate' ? ' requests/s' : ' in flight';
  const client = history.find((stage) => stage.clientBound === true && stage.judged !== false);
  if (client !== undefined && (bad === undefined || bad.load > client.load)) {
    const sent = client.dispatchedRatePerSec !== undefined ? ` sent only ${client.dispatchedRatePerSec}${unit}` : ' could not keep up';
    return {
      answer: good !== undefined ? { value: good.load, low: good.load, high: null } : null,
      limitedBy: 'client',
      conclusion:
        (good !== undefined ? `${good.load}${unit} met the SLO; ` : '') +
        `at ${client.load}${unit} the client${sent}: the client (the -c cap or this machine), not the endpoint, was the limit (raise -c)`,
    };
  }
  if (good === undefined) {
    const judged = history.filter((stage) => stage.judged !== false);
    const quota = judged.some((stage) => stage.quotaBound);
    const lowest = judged.length > 0 ? Math.min(...judged.map((stage) => stage.load)) : settings.start;
    return {
      answer: null,
      limitedBy: quota ? 'quota' : 'endpoint',
      conclusion: `no load tried met the SLO, down to ${lowest}${unit}${quota ? ' (the quota throttled the requests)' : ''}`,
    };
  }
  if (bad !== undefined) {
    const limitedBy: CapacityLimit = bad.quotaBound ? 'quota' : 'endpoint';
    return {
      answer: { value: good.load, low: good.load, high: bad.load },
      limitedBy,
      conclusion:
        `${good.load}${unit} met the SLO, ${bad.load}${unit} did not` +
        (limitedBy === 'quota' ? ': the quota, not the endpoint, was the limit' : ': the capacity lies between them'),
    };
  }
  const quota = good.quotaBound || good.load >= quotaCeiling(settings, history);
  return {
    answer: { value: good.load, low: good.load, high: null },
    limitedBy: quota && good.load < settings.maxLoad ? 'quota' : 'not-reached',
    conclusion:
      quota && good.load < settings.maxLoad
        ? `${good.load}${unit} met the SLO; the quota allows no more, so the endpoint's own limit is above what could be tried`
        : `every load tried met the SLO, up to ${good.load}${unit}: the capacity is higher (more stages, --capacity-stages, would find it)`,
  };
}
