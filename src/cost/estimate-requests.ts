/**
 * How many requests each cell sends to each row, over every stage: the full plan, or the part
 * --max-requests / --rate x --duration bound it to, walked in the run's own dispatch order so the
 * rows a bounded run reaches are the ones counted.
 */
import { configError } from '../errors.js';
import { planOfRun, type CellPlan } from '../plan/plan.js';
import type { EstimateConfig, EstimatePlanSource } from './estimate-types.js';

/** Cycled plans longer than this are distributed over cells proportionally instead of walked. */
export const WALK_LIMIT = 2_000_000;

export interface StageRequestCount {
  count: number;
  /** True when the stage goes round the plan (bounded by count), false when it sends it once. */
  cycle: boolean;
}

export interface CellTally {
  requests: number;
  /** Requests per row index (fractional when spread evenly past WALK_LIMIT). */
  byRow: Map<number, number>;
}

/** Requests per stage: the full plan, or what --max-requests / --rate x --duration bound it to. */
export function stageRequestCounts(config: EstimateConfig, planSize: number): StageRequestCount[] {
  if (config.rate !== undefined) {
    return config.rate.map((rate) => {
      if (config.duration === undefined)
        return config.maxRequests !== undefined ? { count: config.maxRequests, cycle: true } : { count: planSize, cycle: false };
      // Arrivals are due while their offset is under the duration: ceil(rate x duration) of them at a constant rate.
      const arrivals = config.arrival === 'constant' ? Math.ceil(rate * config.duration - 1e-9) : Math.round(rate * config.duration);
      return { count: Math.min(arrivals, config.maxRequests ?? Number.POSITIVE_INFINITY), cycle: true };
    });
  }
  return config.concurrency.map(() => {
    if (config.maxRequests !== undefined) return { count: config.maxRequests, cycle: true };
    if (config.duration !== undefined) {
      throw configError(
        '--duration: a closed-loop run bounded by time sends as many requests as the server answers in it; give --max-requests N (or --rate) to estimate it',
      );
    }
    return { count: planSize, cycle: false };
  });
}

/** The plan's cells and, per cell, the requests it sends in a stage of `count` requests. */
export function tallyPlan(config: EstimateConfig, prepared: EstimatePlanSource, stage: StageRequestCount): { cells: CellPlan[]; tallies: CellTally[] } {
  const plan = planOfRun(config, prepared);
  const tallies: CellTally[] = plan.cells.map(() => ({ requests: 0, byRow: new Map() }));
  const rowIndex = new Map(prepared.rows.map((row, index) => [row, index]));
  if (!stage.cycle) {
    for (const tally of tallies) {
      tally.requests = plan.requestsPerCell;
      prepared.rows.forEach((_, index) => tally.byRow.set(index, config.repeat));
    }
  } else if (stage.count <= WALK_LIMIT) {
    let seen = 0;
    for (const spec of plan.requests({ cycle: true })) {
      if (seen++ >= stage.count) break;
      const tally = tallies[spec.cell.index] as CellTally;
      const index = rowIndex.get(spec.row) as number;
      tally.requests++;
      tally.byRow.set(index, (tally.byRow.get(index) ?? 0) + 1);
    }
  } else {
    // Too long to walk: every cell meets every row equally often over whole passes of the plan.
    const perCellRow = stage.count / (plan.cells.length * prepared.rows.length);
    for (const tally of tallies) {
      tally.requests = stage.count / plan.cells.length;
      prepared.rows.forEach((_, index) => tally.byRow.set(index, perCellRow));
    }
  }
  return { cells: plan.cells, tallies };
}
