/**
 * `qfbench estimate` for people: a table per model and in total, then the assumptions, the quota
 * times, the deadline, the budget and the CI figures as short lines. Unknown costs say "unknown".
 */
import type { EstimateRange } from '../metrics/types.js';
import { displayWidth, padEndToWidth, padStartToWidth } from './text-width.js';
import type { QuotaEstimate, RunEstimate } from '../cost/estimate-types.js';
import { yuanText } from './cost-text.js';

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function range(value: EstimateRange): string {
  return `${count(value.low)} / ${count(value.expected)} / ${count(value.high)}`;
}

function costRange(value: EstimateRange<number | null>): string {
  if (value.low === null && value.expected === null && value.high === null) return 'unknown';
  return `${yuanText(value.low)} / ${yuanText(value.expected)} / ${yuanText(value.high)}`;
}

/** Seconds as `45 s`, `12.5 min` or `3.2 h`. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function quotaLine(model: string, quota: QuotaEstimate, window: number): string | undefined {
  if (quota.limitsFrom === null) return undefined;
  const limits = [
    quota.rpm !== null ? `${quota.rpm.toLocaleString('en-US')} requests` : undefined,
    quota.tpm !== null ? `${quota.tpm.toLocaleString('en-US')} tokens` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' and ');
  const by = quota.limitedBy !== null ? `, limited by ${quota.limitedBy.toUpperCase()}` : '';
  return (
    `  ${model}: ${limits} per ${window} s (${quota.limitsFrom}): ${durationText(quota.timeSeconds.expected)} ` +
    `expected, ${durationText(quota.timeSeconds.high)} high${by}`
  );
}

export function formatEstimate(estimate: RunEstimate): string {
  const header = ['model', 'requests', 'input tok', 'output tok low / exp / high', 'cost CNY low / exp / high', 'price in / out per 1k'];
  const rows = estimate.models.map((model) => [
    model.model,
    count(model.requests),
    count(model.inputTokens),
    range(model.outputTokens),
    costRange(model.costCny),
    model.price === null ? 'unknown' : `${model.price.inputPer1k} / ${model.price.outputPer1k} (from ${model.price.effectiveFrom})`,
  ]);
  const total = estimate.total;
  rows.push(['total', count(total.requests), count(total.inputTokens), range(total.outputTokens), costRange(total.costCny), '']);
  const widths = header.map((title, column) => Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[column] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === 0 || column === 5 ? padEndToWidth(cell, widths[column]!) : padStartToWidth(cell, widths[column]!)))
      .join('  ')
      .trimEnd();

  const out: string[] = [];
  const tokenizer =
    estimate.tokenizer === 'server'
      ? `the tokenizer endpoint (${estimate.tokenizerCalls ?? 0} calls, one per distinct ` +
        `text${estimate.simulatedTokenizer === true ? "; SIMULATED: the simulator's tokenizer" : ''})`
      : 'the offline estimator (--tokenizer server asks the tokenizer endpoint)';
  out.push(
    `Estimate of ${count(total.requests)} requests${estimate.stages > 1 ? ` over ${estimate.stages} stages` : ''}, prices ` +
      `of ${estimate.priceDate}${estimate.pricesFile !== undefined ? ` (with --prices ${estimate.pricesFile})` : ''}; input tokens by ${tokenizer}. ` +
      `Nothing was sent.`,
  );
  out.push('');
  out.push(line(header));
  out.push(widths.map((width) => '-'.repeat(width)).join('  '));
  rows.slice(0, -1).forEach((row) => out.push(line(row)));
  out.push(widths.map((width) => '-'.repeat(width)).join('  '));
  out.push(line(rows.at(-1) as string[]));
  out.push('');
  if (total.unpricedModels.length > 0)
    out.push(`No price for ${total.unpricedModels.join(', ')} on ${estimate.priceDate}: its cost, and the total, stay unknown (add it with --prices FILE).`);
  const fromEarlier = estimate.models.flatMap((model) => model.cells).filter((cell) => cell.outputFrom === 'earlier run').length;
  const cellCount = estimate.models.reduce((sum, model) => sum + model.cells.length, 0);
  const assumed = `expected ${estimate.assumptions.outputExpectedPerRequest}, low ${estimate.assumptions.outputLowPerRequest} (assumptions)`;
  out.push(
    `Output tokens per request: high = max_output_tokens, else the model default; ` +
      (estimate.from === undefined
        ? `${assumed}; --from DIR takes the mean and shortest answer per cell from an earlier run.`
        : `expected = the mean and low = the shortest answer per cell in ${estimate.from} (${fromEarlier} of ${cellCount} cells found ` +
          `there)${fromEarlier < cellCount ? `; the others ${assumed}` : ''}.`),
  );

  const quotaLines = estimate.models
    .map((model) => quotaLine(model.model, model.quota, estimate.quotaWindowSeconds))
    .filter((text): text is string => text !== undefined);
  if (quotaLines.length > 0) {
    out.push(
      `Time to finish under the quota (each endpoint has its own; the run takes as long as its slowest ` +
        `model: ${durationText(total.quota.timeSeconds.expected)} expected, ${durationText(total.quota.timeSeconds.high)} high):`,
    );
    out.push(...quotaLines);
  } else {
    out.push('Time to finish under the quota: unknown; give --rpm/--tpm, or --from DIR of an earlier run whose limiter learned the limits from the server.');
  }
  const deadline = estimate.models.find((model) => model.quota.needed !== undefined)?.quota.needed?.deadlineSeconds;
  if (deadline !== undefined) {
    out.push(`To finish within ${durationText(deadline)}, per ${estimate.quotaWindowSeconds} s window:`);
    for (const model of estimate.models) {
      const needed = model.quota.needed;
      if (needed !== undefined)
        out.push(
          `  ${model.model}: ${needed.rpm.toLocaleString('en-US')} requests and ${count(needed.tpm.expected)} tokens (expected; ${count(needed.tpm.high)} ` +
            `high)`,
        );
    }
  }
  if (estimate.budget !== undefined) {
    const limits = [
      estimate.budget.maxCostCny !== undefined ? `--max-cost ${estimate.budget.maxCostCny} CNY` : undefined,
      estimate.budget.maxTokens !== undefined ? `--max-tokens ${estimate.budget.maxTokens}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(' and ');
    const verdict = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'reaches it' : 'stays within it');
    if (estimate.budget.maxCostCny !== undefined && total.unpricedModels.length > 0) {
      out.push(`Budget ${limits}: \`run\` refuses --max-cost while ${total.unpricedModels.join(', ')} has no price (add it with --prices FILE).`);
    } else
      out.push(
        `Budget ${limits}: the low figure ${verdict(estimate.budget.exceeds.low)}, the expected ${verdict(estimate.budget.exceeds.expected)}, the ` +
          `high ${verdict(estimate.budget.exceeds.high)} (a run that reaches it stops dispatching and exits 4).`,
      );
  }
  if (estimate.ci !== undefined) {
    const ci = estimate.ci.costCny;
    out.push(
      `CI budget at ${estimate.ci.runsPerDay} run(s) a day (low / expected / high): per run ${costRange(ci.perRun)}; per day ${costRange(ci.perDay)}; per ` +
        `30 days ${costRange(ci.per30Days)}.`,
    );
  }
  for (const note of estimate.notes) out.push(`Note: ${note}.`);
  return out.join('\n');
}
