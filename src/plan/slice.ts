/**
 * A part of a plan: one shard's slice (`--shard I/N`), and, on a resume, without the requests that
 * already have a final outcome. Requests keep the sequence numbers of the whole plan, so the rows of
 * every shard and every session of a run share one key space and a merge can prove that each planned
 * request is there exactly once.
 *
 * The slice is dealt per cell: the k-th request of each cell goes to shard k mod N, so every shard
 * gets each cell's requests in nearly equal numbers and in the plan's interleaved order.
 */
import type { Shard } from '../config/shard-spec.js';
import type { Plan, RequestPlan } from './plan.js';

export type { Shard } from '../config/shard-spec.js';

export interface PlanSlice {
  /** The first `limit` requests of the cycled plan (--max-requests) are the whole plan. */
  limit?: number | undefined;
  shard?: Shard | undefined;
  /** Plan sequence numbers (before any stage offset) to leave out: they already have a final outcome. */
  skip?: { has(seq: number): boolean } | undefined;
}

/** True when a cell's `perCellIndex`-th request falls in `shard`. */
export function inShard(perCellIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || perCellIndex % shard.count === shard.index - 1;
}

/** Every request of the sliced plan (before `skip`), in dispatch order; `cycle` repeats the plan without end. */
function* slicedRequests(plan: Plan, slice: PlanSlice, cycle: boolean): Generator<RequestPlan> {
  const perCell = new Map<string, number>();
  let taken = 0;
  for (const spec of plan.requests({ cycle: cycle || slice.limit !== undefined })) {
    if (slice.limit !== undefined && taken >= slice.limit) return;
    taken++;
    const index = perCell.get(spec.cell.id) ?? 0;
    perCell.set(spec.cell.id, index + 1);
    if (inShard(index, slice.shard)) yield spec;
  }
}

/**
 * The plan restricted to `slice`. Its size is the number of requests it will send (one pass of the
 * plan when neither a limit nor anything else bounds it: a --duration run cycles through its part).
 */
export function slicePlan(plan: Plan, slice: PlanSlice): Plan {
  function* requests(options: { cycle?: boolean } = {}): Generator<RequestPlan> {
    for (const spec of slicedRequests(plan, slice, options.cycle === true)) if (slice.skip?.has(spec.seq) !== true) yield spec;
  }
  let size = 0;
  for (const spec of slicedRequests(plan, slice, false)) if (slice.skip?.has(spec.seq) !== true) size++;
  return { ...plan, requests, size, requestsPerCell: plan.cells.length > 0 ? Math.ceil(size / plan.cells.length) : 0 };
}
