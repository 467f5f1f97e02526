/**
 * What the requests in flight may still cost, held against `--max-cost` / `--max-tokens` from
 * their dispatch until their answer, so a budget is not overrun by everything `-c` has in flight
 * when the finished ones reach it.
 *
 * A request is charged its prompt (the offline estimate, scaled by the largest ratio of the
 * server's count to that estimate seen in its cell) plus an output of the longest completion seen
 * in its cell; until the cell has TRUSTED_ANSWERS answers, the output ceiling (max_output_tokens,
 * else the model's default, else 1024). Charging the longest of several rather than the mean keeps
 * what is held at or above what the answers turn out to cost, so a request that would not fit waits,
 * and only one let go with nothing else in flight passes the budget, by at most its own cost.
 */
import { costOfTokens } from '../cost/cost.js';
import { promptPieces } from '../cost/prompt-pieces.js';
import { estimateTokens } from '../qianfan/spec/token-estimate.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import type { PriceRef } from '../metrics/types.js';
import type { CellPlan, RequestPlan } from '../plan/plan.js';
import { findModel, type Catalog } from '../qianfan/spec/catalog.js';
import { generatesText } from '../providers/api-kinds.js';

const FALLBACK_OUTPUT_CEILING = 1024;
/** Answers a cell needs before its longest completion stands in for the ceiling (one short answer would undercharge the rest). */
export const TRUSTED_ANSWERS = 5;

export interface Charge {
  tokens: number;
  cny: number;
}

interface CellSeen {
  answers: number;
  maxCompletion: number;
  /** The largest server prompt count / offline estimate seen. */
  promptRatio: number;
}

/** The most output tokens a request of this cell may bring back. */
export function outputCeiling(cell: CellPlan, catalog: Catalog): number {
  if (!generatesText(cell.api)) return 0;
  const cap = cell.params.max_output_tokens;
  if (typeof cap === 'number') return cap;
  return (findModel(catalog, cell.model) ?? findModel(catalog, cell.endpoint))?.defaultMaxOutputTokens ?? FALLBACK_OUTPUT_CEILING;
}

export class BudgetReservations {
  private readonly held = new Map<RequestPlan, Charge>();
  private readonly seen = new Map<string, CellSeen>();
  private readonly promptEstimates = new WeakMap<RequestPlan['row'], number>();
  private waiters: Array<() => void> = [];
  /** What the requests in flight are held at, summed. */
  readonly reserved: Charge = { tokens: 0, cny: 0 };

  constructor(
    private readonly priceOf: (model: string) => PriceRef | null | undefined,
    private readonly ceilingOf: (cell: CellPlan) => number,
  ) {}

  get inFlight(): number {
    return this.held.size;
  }

  private promptEstimate(spec: RequestPlan): number {
    let tokens = this.promptEstimates.get(spec.row);
    if (tokens === undefined) {
      tokens = promptPieces(spec.row, spec.cell.api).reduce((sum, text) => sum + estimateTokens(text), 0);
      this.promptEstimates.set(spec.row, tokens);
    }
    return tokens;
  }

  /** What this request is expected to cost at most. */
  charge(spec: RequestPlan): Charge {
    const seen = this.seen.get(spec.cell.id);
    const prompt = Math.ceil(this.promptEstimate(spec) * Math.max(1, seen?.promptRatio ?? 1));
    const ceiling = this.ceilingOf(spec.cell);
    const completion = seen !== undefined && seen.answers >= TRUSTED_ANSWERS ? Math.min(ceiling, seen.maxCompletion) : ceiling;
    return { tokens: prompt + completion, cny: costOfTokens(this.priceOf(spec.cell.model), prompt, completion)?.cny ?? 0 };
  }

  hold(spec: RequestPlan, charge: Charge): void {
    this.held.set(spec, charge);
    this.reserved.tokens += charge.tokens;
    this.reserved.cny += charge.cny;
  }

  /** A finished request gives back what it held; an answered one teaches its cell what answers cost. */
  release(finished: FinishedRequest): void {
    const charge = this.held.get(finished.spec);
    if (charge === undefined) return;
    const record = finished.record;
    if (record.outcome === 'ok' && record.completionTokens !== undefined) {
      const seen = this.seen.get(record.cellId) ?? { answers: 0, maxCompletion: 0, promptRatio: 1 };
      seen.answers++;
      seen.maxCompletion = Math.max(seen.maxCompletion, record.completionTokens);
      const estimate = this.promptEstimate(finished.spec);
      if (record.promptTokens !== undefined && estimate > 0) seen.promptRatio = Math.max(seen.promptRatio, record.promptTokens / estimate);
      this.seen.set(record.cellId, seen);
    }
    this.held.delete(finished.spec);
    this.reserved.tokens -= charge.tokens;
    this.reserved.cny -= charge.cny;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when a request in flight gives back what it held. */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
