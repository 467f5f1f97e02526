/**
 * Goodput (metrics.md): ok requests that meet every SLO bound, per second of the window. Pure
 * counting over request records; what a run does with the counts (stop a stage, write the summary)
 * is the run's.
 */
import type { Slo, SloRequestBound, SloRequestMetric } from '../config/slo-expression.js';
import { withinBound } from '../config/slo-expression.js';
import type { RequestRecord } from './types.js';

/** The counts one cell or stage is judged on. */
export interface SloTally {
  /** Requests that ran to a conclusion (ok, failed, throttled, timeout), as the error rate counts them. */
  concluded: number;
  /** Of them, ok requests within every per-request bound. */
  met: number;
  /** failed + timeout. */
  errors: number;
  throttled: number;
}

export function emptyTally(): SloTally {
  return { concluded: 0, met: 0, errors: 0, throttled: 0 };
}

const FIELDS: Record<SloRequestMetric, keyof RequestRecord> = {
  ttft: 'ttftMs',
  ttft_sched: 'ttftSchedMs',
  latency: 'latencyMs',
  latency_sched: 'latencySchedMs',
  tpot: 'tpotMs',
};

/**
 * An ok request within every bound. A one-token answer has no TPOT, so a TPOT bound cannot fail
 * it; any other missing time (it cannot be told to be within) fails the bound.
 */
export function meetsRequestBounds(record: RequestRecord, bounds: readonly SloRequestBound[]): boolean {
  if (record.outcome !== 'ok') return false;
  for (const bound of bounds) {
    const value = record[FIELDS[bound.metric]];
    if (typeof value !== 'number') {
      if (bound.metric === 'tpot') continue;
      return false;
    }
    if (!withinBound(bound, value, bound.limitMs)) return false;
  }
  return true;
}

/** Counts one finished request; cancelled, dropped and replayed ones (no answer, or no timings) count for nothing. */
export function addToTally(tally: SloTally, record: RequestRecord, slo: Slo): void {
  if (record.outcome === 'cancelled' || record.outcome === 'dropped' || record.replayed === true) return;
  tally.concluded++;
  if (record.outcome === 'failed' || record.outcome === 'timeout') tally.errors++;
  if (record.outcome === 'throttled') tally.throttled++;
  if (meetsRequestBounds(record, slo.requestBounds)) tally.met++;
}

export function sumTallies(tallies: Iterable<SloTally>): SloTally {
  const sum = emptyTally();
  for (const tally of tallies) {
    sum.concluded += tally.concluded;
    sum.met += tally.met;
    sum.errors += tally.errors;
    sum.throttled += tally.throttled;
  }
  return sum;
}

/** The share of concluded requests that met the SLO; null when none concluded. */
export function attainmentOf(tally: SloTally): number | null {
  return tally.concluded > 0 ? tally.met / tally.concluded : null;
}

/** Every rate bound holds (with nothing concluded there is no rate, and nothing met). */
function rateBoundsHold(tally: SloTally, slo: Slo): boolean {
  return slo.rateBounds.every((bound) => {
    const count = bound.metric === 'error_rate' ? tally.errors : tally.throttled;
    return withinBound(bound, count / tally.concluded, bound.limit);
  });
}

/** A cell or stage meets the SLO: at least `target` of its requests met it, and every rate bound holds. */
export function tallyMeets(tally: SloTally, slo: Slo, target: number): boolean {
  const attainment = attainmentOf(tally);
  return attainment !== null && attainment >= target && rateBoundsHold(tally, slo);
}

/**
 * True once a stage of at most `planned` requests can no longer meet the SLO whatever the rest
 * do: more have missed than the target allows of all `planned`, or a rate bound is already broken
 * for all of them. (Requests left unsent only shrink the count, which makes the share worse.)
 */
export function clearlyFails(tally: SloTally, slo: Slo, target: number, planned: number): boolean {
  if (planned <= 0) return false;
  const missed = tally.concluded - tally.met;
  if (missed > (1 - target) * planned + 1e-9) return true;
  return slo.rateBounds.some((bound) => {
    const count = bound.metric === 'error_rate' ? tally.errors : tally.throttled;
    const atLeast = count / planned;
    return !withinBound(bound, atLeast, bound.limit);
  });
}
