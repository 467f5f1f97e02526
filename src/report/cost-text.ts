/** The cost of a run as text lines, for the console table and the Markdown summary. */
import { isFiniteNumber } from '../metrics/cell-figures.js';
import type { EstimateCheck } from '../metrics/types.js';
import type { RunCostView } from '../cost/summary-cost.js';
import { formatCny } from '../util/format-cny.js';

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
  const limits = [
    isFiniteNumber(budget.maxCostCny) ? `--max-cost ${budget.maxCostCny} CNY` : undefined,
    isFiniteNumber(budget.maxTokens) ? `--max-tokens ${budget.maxTokens}` : undefined,
  ].filter((part): part is string => part !== undefined);
  if (typeof budget.stopReason === 'string') return `${budget.stopReason}; ${budget.dropped} request(s) dropped`;
  return `budget: ${limits.join(', ')} not reached`;
}

/** The estimate-check block: the estimate made before the run beside the actual figures. */
export function estimateCheckLines(check: EstimateCheck): string[] {
  const e = check.estimate;
  const a = check.actual;
  const count = (value: unknown): string => (isFiniteNumber(value) ? Math.round(value).toLocaleString('en-US') : '-');
  const off = (actual: number, estimate: number): string =>
    estimate > 0 ? ` (${actual >= estimate ? '+' : ''}${(((actual - estimate) / estimate) * 100).toFixed(1)}% vs expected)` : '';
  const rows: Array<[string, string, string]> = [
    ['', 'estimate (low / expected / high)', 'actual'],
    ['requests', count(e.requests), `${count(a.requests)} (${count(a.ok)} ok)`],
    ['input tokens', `${count(e.inputTokens)} (${e.tokenizer} tokenizer)`, `${count(a.inputTokens)}${off(a.inputTokens, e.inputTokens)}`],
    [
      'output tokens',
      `${count(e.outputTokens.low)} / ${count(e.outputTokens.expected)} / ${count(e.outputTokens.high)}`,
      `${count(a.outputTokens)}${off(a.outputTokens, e.outputTokens.expected)}`,
    ],
    ['cost', `${yuanText(e.costCny.low)} / ${yuanText(e.costCny.expected)} / ${yuanText(e.costCny.high)}`, yuanText(a.costCny)],
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return ['estimate check:', ...rows.map((row) => `  ${row[0].padEnd(widths[0]!)}  ${row[1].padEnd(widths[1]!)}  ${row[2]}`.trimEnd())];
}
