/**
 * Cost and budgets riding along a run (a RunExtension):
 * - tallies the tokens of every ok request per cell and prices them with the entry that applies on
 *   the run date (prices.ts); a model without one stays unknown (null) in every output, never 0;
 * - `--max-cost CNY` / `--max-tokens N`: once the finished requests reach the budget, dispatching
 *   stops (stopReason), the requests not yet sent are recorded as `dropped` with the reason, and
 *   the run counts as aborted (abortReason -> exit code 4). Each request holds its estimated cost
 *   from dispatch to answer (budget-reservations.ts) and waits while what is spent and held leaves
 *   it no room, so a run ends at most one request's cost above its budget;
 * - publishes the cost so far for the live view;
 * - `--estimate-check`: estimates the run before it starts (offline tokenizer) and records the
 *   estimate beside the actual figures in summary.json, which the console table prints.
 *
 * Cost counts ok requests' tokens (the ones the cells' token columns show); replayed answers are
 * not counted. Tokens a simulator reported are priced all the same and marked simulated.
 */
import type { RunConfig } from '../config/run-config.js';
import { costOfTokens, priceRef, roundCny } from '../cost/cost.js';
import { estimateRun } from '../cost/estimate-plan.js';
import type { RunEstimate } from '../cost/estimate-types.js';
import { modelPriceNames } from '../cost/model-price-names.js';
import { beijingDate, findPrice, loadPriceTable } from '../cost/prices.js';
import { configError, isUserError } from '../errors.js';
import { okCount } from '../metrics/cell-figures.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import type { CellCostSummary, EstimateCheck, PriceRef, RunCostSummary, RunSummary } from '../metrics/types.js';
import type { RequestPlan } from '../plan/plan.js';
import { formatCny } from '../util/format-cny.js';
import type { Logger } from '../util/logger.js';
import { BudgetReservations, outputCeiling } from './budget-reservations.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';

interface CellTally {
  prompt: number;
  completion: number;
  estimated: number;
}

function yuan(value: number | null): string {
  return value === null ? 'unknown' : `¥${formatCny(value)}`;
}

/** A replayed answer (its record carries `replayed: true`) costs nothing real. */
function isReplayed(finished: FinishedRequest): boolean {
  return finished.record.replayed === true;
}

export async function createCostExtension(config: RunConfig, prepared: PreparedRun, logger: Logger): Promise<RunExtension> {
  const table = await loadPriceTable(config.prices);
  const priceDate = config.priceDate ?? beijingDate();
  const prices = new Map<string, PriceRef | null>();
  for (const target of prepared.targets) {
    const entry = findPrice(table, modelPriceNames(target, prepared.catalog), priceDate);
    prices.set(target.model, entry !== undefined ? priceRef(entry) : null);
  }
  const unpriced = [...prices].filter(([, price]) => price === null).map(([model]) => model);
  if (config.maxCost !== undefined && unpriced.length > 0) {
    throw configError(
      `--max-cost: no price is known for ${unpriced.join(', ')} on ${priceDate}, so the budget cannot be kept; ` +
        `price ${unpriced.length === 1 ? 'it' : 'them'} with --prices FILE`,
    );
  }
  if (unpriced.length > 0)
    logger.info(`cost: no price known for ${unpriced.join(', ')} on ${priceDate}; its cost shows as unknown (add it with --prices FILE)`);

  let estimate: RunEstimate | undefined;
  if (config.estimateCheck) {
    try {
      estimate = estimateRun({ config, prepared, prices: table, priceDate, tokenizer: 'local' });
      const total = estimate.total;
      const cost = total.costCny;
      logger.info(
        `estimate before the run: ${total.requests} requests, ${total.inputTokens} input tokens (offline estimate), ` +
          `${total.outputTokens.low}/${total.outputTokens.expected}/${total.outputTokens.high} output tokens (low/expected/high), ` +
          `cost ${yuan(cost.low)} / ${yuan(cost.expected)} / ${yuan(cost.high)}${config.sim ? ' [SIMULATED run]' : ''}`,
      );
    } catch (error) {
      if (!isUserError(error)) throw error;
      logger.warn(`--estimate-check: no estimate: ${error.message}`);
    }
  }

  const cells = new Map<string, CellTally>();
  let spentCny = 0;
  let tokens = 0;
  let stopReason: string | undefined;
  let dropped = 0;
  const simulated = config.sim;
  // A --replay run answers from a recording: nothing it does costs money.
  const replaying = config.replay !== undefined;

  const budgetText = (): string => {
    const parts: string[] = [];
    if (config.maxCost !== undefined) parts.push(`cost ¥${formatCny(roundCny(spentCny))}/¥${formatCny(config.maxCost)}`);
    else parts.push(`cost ${unpriced.length > 0 ? `unknown (¥${formatCny(roundCny(spentCny))} priced)` : `¥${formatCny(roundCny(spentCny))}`}`);
    if (config.maxTokens !== undefined) parts.push(`tokens ${tokens}/${config.maxTokens}`);
    return `${parts.join(' ')}${simulated ? ' (simulated)' : ''}`;
  };
  // Shown live until the summary is settled; the summary's lines take over from there.
  let settled = false;

  const budgeted = config.maxCost !== undefined || config.maxTokens !== undefined;
  const reservations = new BudgetReservations(
    (model) => prices.get(model),
    (cell) => outputCeiling(cell, prepared.catalog),
  );
  const reached = (): string | undefined => {
    if (stopReason !== undefined) return stopReason;
    if (config.maxCost !== undefined && roundCny(spentCny) >= config.maxCost) {
      stopReason = `budget stop: --max-cost ${config.maxCost} CNY reached (¥${formatCny(roundCny(spentCny))} spent when dispatching stopped)`;
    } else if (config.maxTokens !== undefined && tokens >= config.maxTokens) {
      stopReason = `budget stop: --max-tokens ${config.maxTokens} reached (${tokens} tokens used when dispatching stopped)`;
    }
    return stopReason;
  };

  const tallyRequest = (finished: FinishedRequest): void => {
    const record = finished.record;
    if (record.outcome === 'dropped' && stopReason !== undefined && record.errorMsg === stopReason) dropped++;
    if (record.outcome !== 'ok' || replaying || isReplayed(finished)) return;
    const tally = cells.get(record.cellId) ?? { prompt: 0, completion: 0, estimated: 0 };
    const prompt = record.promptTokens ?? 0;
    const completion = record.completionTokens ?? 0;
    tally.prompt += prompt;
    tally.completion += completion;
    if (record.usageSource === 'estimate') tally.estimated++;
    cells.set(record.cellId, tally);
    tokens += prompt + completion;
    spentCny += costOfTokens(prices.get(record.model), prompt, completion)?.cny ?? 0;
  };

  /** Waits until the request's estimated cost fits beside what is in flight; a reason when the budget is reached. */
  const admit = async (spec: RequestPlan): Promise<string | undefined> => {
    for (;;) {
      const reason = reached();
      if (reason !== undefined) return reason;
      const charge = reservations.charge(spec);
      const costFits = config.maxCost === undefined || roundCny(spentCny + reservations.reserved.cny + charge.cny) <= config.maxCost;
      const tokensFit = config.maxTokens === undefined || tokens + reservations.reserved.tokens + charge.tokens <= config.maxTokens;
      // With nothing in flight a request goes while the budget is not reached: the one overshoot allowed.
      if (reservations.inFlight === 0 || (costFits && tokensFit)) {
        reservations.hold(spec, charge);
        return undefined;
      }
      await reservations.released();
    }
  };

  return {
    stopReason: reached,

    // Only a budget holds requests back; without one, requests go without an await each.
    ...(budgeted ? { admit } : {}),

    onRequest(finished) {
      // Spent is counted before what was held is given back, so a waiting request sees both at once.
      try {
        tallyRequest(finished);
      } finally {
        if (budgeted) reservations.release(finished);
      }
    },

    liveText() {
      return settled ? undefined : budgetText();
    },

    decorateSummary(summary: RunSummary) {
      settled = true;
      let known = 0;
      let unknown = false;
      const totals = { prompt: 0, completion: 0, total: 0 };
      for (const cell of summary.cells) {
        const tally = cells.get(cell.id) ?? { prompt: 0, completion: 0, estimated: 0 };
        const price = prices.get(cell.model) ?? null;
        const cost = costOfTokens(price, tally.prompt, tally.completion);
        const cellCost: CellCostSummary = {
          cny: cost?.cny ?? null,
          inputCny: cost?.inputCny ?? null,
          outputCny: cost?.outputCny ?? null,
          price,
          estimatedTokenRequests: tally.estimated,
          simulated: summary.run.simulated,
        };
        cell.cost = cellCost;
        if (cost === null) unknown = true;
        else known += cost.cny;
        totals.prompt += tally.prompt;
        totals.completion += tally.completion;
      }
      totals.total = totals.prompt + totals.completion;
      const runCost: RunCostSummary = {
        currency: 'CNY',
        totalCny: unknown ? null : roundCny(known),
        knownCny: roundCny(known),
        unpricedModels: [...new Set(summary.cells.filter((cell) => cell.cost?.cny === null).map((cell) => cell.model))],
        priceDate,
        simulated: summary.run.simulated,
        tokens: totals,
      };
      if (table.file !== undefined) runCost.pricesFile = table.file;
      if (config.maxCost !== undefined || config.maxTokens !== undefined) {
        runCost.budget = {
          ...(config.maxCost !== undefined ? { maxCostCny: config.maxCost } : {}),
          ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
          ...(stopReason !== undefined ? { stopReason } : {}),
          dropped,
        };
      }
      if (estimate !== undefined) runCost.estimateCheck = estimateCheck(estimate, summary, runCost);
      summary.cost = runCost;
    },

    abortReason() {
      return stopReason;
    },

    checkResults() {
      if (!budgeted) return [];
      return [{ kind: 'budget', name: 'budget', pass: stopReason === undefined, detail: stopReason ?? `within the budget: ${budgetText()}` }];
    },
  };
}

function estimateCheck(estimate: RunEstimate, summary: RunSummary, cost: RunCostSummary): EstimateCheck {
  return {
    estimate: {
      requests: estimate.total.requests,
      inputTokens: estimate.total.inputTokens,
      outputTokens: estimate.total.outputTokens,
      costCny: estimate.total.costCny,
      tokenizer: estimate.tokenizer,
    },
    actual: {
      requests: summary.cells.reduce((sum, cell) => sum + cell.planned, 0),
      ok: okCount(summary.cells),
      inputTokens: cost.tokens.prompt,
      outputTokens: cost.tokens.completion,
      costCny: cost.totalCny,
    },
  };
}
