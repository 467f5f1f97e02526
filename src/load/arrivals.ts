/**
 * Open-loop arrival schedules: the offset (ms from the run's start epoch) at which request i is
 * due. Offsets are absolute, so a late timer never shifts the ones after it (no drift from chained
 * timers), and Poisson gaps come from a seeded generator so a run can be repeated exactly.
 */
import type { Random } from '../util/random.js';

export type ArrivalModel = 'constant' | 'poisson';

/** A trace replay's schedule: each request carries the offset its arrival has in the trace (src/plan/plan.ts). */
export function traceOffset(spec: { dueOffsetMs?: number }): number {
  if (spec.dueOffsetMs === undefined) throw new RangeError('a trace replay needs every request to carry its due offset');
  return spec.dueOffsetMs;
}

/** Returns a function giving the next arrival's offset each time it is called. */
export function arrivalOffsets(model: ArrivalModel, ratePerSecond: number, random: Random): () => number {
  if (!(ratePerSecond > 0)) throw new RangeError(`arrival rate must be > 0, got ${ratePerSecond}`);
  const meanGapMs = 1000 / ratePerSecond;
  let index = 0;
  let offset = 0;
  if (model === 'constant') return () => index++ * meanGapMs;
  return () => {
    const due = offset;
    // Exponential gaps; 1 - r keeps the logarithm finite when r is 0.
    offset += -Math.log(1 - random()) * meanGapMs;
    return due;
  };
}
