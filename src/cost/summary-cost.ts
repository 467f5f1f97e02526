/**
 * The cost a summary carries, for every report writer: the run's total as the cells show it
 * (one unpriced cell makes it unknown, never 0), with the price date, budget and estimate check.
 */
import type { CellSummary, EstimateCheck, PriceRef, RunCostSummary, RunSummary } from '../metrics/types.js';
import { roundCny } from './cost.js';

export interface RunCostView {
  /** Null when any cell is unpriced (or the summary says so). */
  totalCny: number | null;
  /** What the priced cells add up to. */
  knownCny: number;
  unpricedModels: string[];
  priceDate?: string;
  simulated: boolean;
  budget?: RunCostSummary['budget'];
  estimateCheck?: EstimateCheck;
}

/** The price entry of a cell's cost, when it has one. */
export function cellPrice(cell: CellSummary): PriceRef | undefined {
  return cell.cost?.price ?? undefined;
}

/** A cell's input or output share of its cost; null when unknown. */
export function cellCostPart(cell: CellSummary, part: 'inputCny' | 'outputCny'): number | null {
  return cell.cost?.[part] ?? null;
}

/** The run's cost in total, from `summary.cost` and the cells; undefined when the summary has no cost at all. */
export function summaryCost(summary: RunSummary): RunCostView | undefined {
  if (!summary.cells.some((cell) => cell.cost !== undefined)) return undefined;
  let known = 0;
  let anyUnknown = false;
  const unpriced = new Set<string>();
  for (const cell of summary.cells) {
    const cost = cell.cost;
    if (cost === undefined) continue;
    if (cost.cny === null) {
      anyUnknown = true;
      unpriced.add(cell.model);
    } else known += cost.cny;
  }
  // The total is what the cells show, added up: one unpriced cell makes it unknown.
  const view: RunCostView = {
    totalCny: anyUnknown ? null : roundCny(known),
    knownCny: roundCny(known),
    unpricedModels: [...unpriced],
    simulated: summary.run.simulated,
  };
  const top = summary.cost;
  if (top !== undefined) view.priceDate = top.priceDate;
  if (top?.budget !== undefined) view.budget = top.budget;
  if (top?.estimateCheck !== undefined) view.estimateCheck = top.estimateCheck;
  return view;
}
