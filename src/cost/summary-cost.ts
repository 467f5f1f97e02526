/**
 * Tolerant readers of the cost a summary carries, for every report writer: a summary read back
 * from disk may be older, partial or edited, so a missing, null or malformed amount reads as
 * unknown (null) and never as 0.
 */
import type { CellSummary, EstimateCheck, PriceRef, RunSummary } from '../metrics/types.js';
import { cellCost, summaryHasCost } from '../report/cell-extras.js';
import { formatCny, isFiniteNumber } from '../report/format.js';
import { roundCny } from './cost.js';

export interface RunCostView {
  /** Null when any cell is unpriced (or the summary says so). */
  totalCny: number | null;
  /** What the priced cells add up to. */
  knownCny: number;
  unpricedModels: string[];
  priceDate?: string;
  simulated: boolean;
  budget?: { maxCostCny?: number; maxTokens?: number; stopReason?: string; dropped?: number };
  estimateCheck?: EstimateCheck;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The price entry of a cell's cost, when it carries a well-formed one. */
export function cellPrice(cell: CellSummary): PriceRef | undefined {
  const cost = (cell as unknown as Record<string, unknown>)['cost'];
  if (!isObject(cost) || !isObject(cost['price'])) return undefined;
  const price = cost['price'];
  if (!isFiniteNumber(price['inputPer1k']) || !isFiniteNumber(price['outputPer1k'])) return undefined;
  return {
    model: String(price['model'] ?? ''),
    inputPer1k: price['inputPer1k'],
    outputPer1k: price['outputPer1k'],
    effectiveFrom: String(price['effectiveFrom'] ?? ''),
    source: String(price['source'] ?? ''),
  };
}

/** A cell's input or output share of its cost; null when unknown. */
export function cellCostPart(cell: CellSummary, part: 'inputCny' | 'outputCny'): number | null {
  const cost = (cell as unknown as Record<string, unknown>)['cost'];
  if (!isObject(cost)) return null;
  const value = cost[part];
  return isFiniteNumber(value) ? value : null;
}

/** The run's cost in total, from `summary.cost` and the cells; undefined when the summary has no cost at all. */
export function summaryCost(summary: RunSummary): RunCostView | undefined {
  if (!summaryHasCost(summary)) return undefined;
  let known = 0;
  let anyUnknown = false;
  const unpriced = new Set<string>();
  for (const cell of summary.cells ?? []) {
    const cost = cellCost(cell);
    if (cost === undefined) continue;
    if (cost.cny === null) {
      anyUnknown = true;
      unpriced.add(String(cell.model ?? cell.id));
    } else known += cost.cny;
  }
  const raw = (summary as unknown as Record<string, unknown>)['cost'];
  const top = isObject(raw) ? raw : {};
  // The total is what the cells show, added up: one unpriced cell makes it unknown.
  const view: RunCostView = {
    totalCny: anyUnknown ? null : roundCny(known),
    knownCny: roundCny(known),
    unpricedModels: [...unpriced],
    simulated: summary.run?.simulated === true,
  };
  if (typeof top['priceDate'] === 'string') view.priceDate = top['priceDate'];
  if (isObject(top['budget'])) view.budget = top['budget'] as RunCostView['budget'] & object;
  if (isObject(top['estimateCheck']) && isObject(top['estimateCheck']['estimate']) && isObject(top['estimateCheck']['actual'])) {
    view.estimateCheck = top['estimateCheck'] as unknown as EstimateCheck;
  }
  return view;
}

/** An amount for text outputs: `¥0.0123`, or `unknown` (never 0) when it could not be priced. */
export function yuanText(value: number | null | undefined): string {
  return isFiniteNumber(value) ? `¥${formatCny(value)}` : 'unknown';
}

/** One line saying what the run cost in total, whether the figure is simulated, and at which prices. */
export function totalCostLine(cost: RunCostView): string {
  const at = cost.priceDate !== undefined ? ` at the prices of ${cost.priceDate}` : '';
  const sim = cost.simulated ? ' (SIMULATED: simulator token counts at real prices)' : '';
  if (cost.totalCny === null) {
    const models = cost.unpricedModels.length > 0 ? `no price for ${cost.unpricedModels.join(', ')}` : 'some cells could not be priced';
    return `total cost: unknown (${models}; the priced cells: ¥${formatCny(cost.knownCny)}${at})${sim}`;
  }
  return `total cost: ¥${formatCny(cost.totalCny)}${at}${sim}`;
}

/** The budget line, when --max-cost / --max-tokens were set. */
export function budgetLine(cost: RunCostView): string | undefined {
  const budget = cost.budget;
  if (budget === undefined) return undefined;
  const limits = [isFiniteNumber(budget.maxCostCny) ? `--max-cost ${budget.maxCostCny} CNY` : undefined, isFiniteNumber(budget.maxTokens) ? `--max-tokens ${budget.maxTokens}` : undefined].filter(
    (part): part is string => part !== undefined,
  );
  if (typeof budget.stopReason === 'string') return `${budget.stopReason}; ${isFiniteNumber(budget.dropped) ? budget.dropped : 0} request(s) dropped`;
  return `budget: ${limits.join(', ')} not reached`;
}

/** The estimate-check block: the estimate made before the run beside the actual figures. */
export function estimateCheckLines(check: EstimateCheck): string[] {
  const e = check.estimate;
  const a = check.actual;
  const count = (value: unknown): string => (isFiniteNumber(value) ? Math.round(value).toLocaleString('en-US') : '-');
  const off = (actual: number, estimate: number): string => (estimate > 0 ? ` (${actual >= estimate ? '+' : ''}${(((actual - estimate) / estimate) * 100).toFixed(1)}% vs expected)` : '');
  const rows: Array<[string, string, string]> = [
    ['', 'estimate (low / expected / high)', 'actual'],
    ['requests', count(e.requests), `${count(a.requests)} (${count(a.ok)} ok)`],
    ['input tokens', `${count(e.inputTokens)} (${e.tokenizer} tokenizer)`, `${count(a.inputTokens)}${off(a.inputTokens, e.inputTokens)}`],
    [
      'output tokens',
      `${count(e.outputTokens?.low)} / ${count(e.outputTokens?.expected)} / ${count(e.outputTokens?.high)}`,
      `${count(a.outputTokens)}${off(a.outputTokens, e.outputTokens?.expected ?? 0)}`,
    ],
    ['cost', `${yuanText(e.costCny?.low)} / ${yuanText(e.costCny?.expected)} / ${yuanText(e.costCny?.high)}`, yuanText(a.costCny)],
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return ['estimate check:', ...rows.map((row) => `  ${row[0].padEnd(widths[0]!)}  ${row[1].padEnd(widths[1]!)}  ${row[2]}`.trimEnd())];
}
