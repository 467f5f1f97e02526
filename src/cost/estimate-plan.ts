/**
 * What a run would send, cost and take, before anything is sent: arithmetic over the same plans
 * `run` builds (the same datasets, models, parameter grid, repeats and load bounds), the price
 * table and the catalog. No file or network I/O: the caller reads prices, datasets and an earlier
 * summary, and counts tokens on the server beforehand if it wants the server's figures.
 *
 * - Input tokens: every piece of text the server counts (prompt-pieces.ts), by `countTokens`.
 * - Output tokens per request, low / expected / high: estimate-output.ts.
 * - Cost: input x input price + output x output price, per figure; a model without a price stays
 *   unknown (null) in every figure and in every total it is part of.
 * - Quota: quota-time.ts; the run interleaves models, so it takes as long as its slowest model.
 */
import { expandGrid } from '../config/params.js';
import type { EstimateRange } from '../metrics/types.js';
import { apiOfTarget, type CellPlan } from '../plan/plan.js';
import { findModel } from '../qianfan/spec/catalog.js';
import type { ApiKind } from '../providers/types.js';
import { priceRef } from './cost.js';
import { DEFAULT_EXPECTED_OUTPUT_TOKENS, DEFAULT_LOW_OUTPUT_TOKENS, outputGuess } from './estimate-output.js';
import { addCostRange, addRange, costRange, scaleCostRange, UNKNOWN_COST, ZERO_COST, ZERO_RANGE } from './estimate-ranges.js';
import { stageRequestCounts, tallyPlan, WALK_LIMIT, type CellTally } from './estimate-requests.js';
import type { CellEstimate, EstimateConfig, EstimatePlanSource, EstimateRunInput, ModelEstimate, RunEstimate } from './estimate-types.js';
import { modelPriceNames } from './model-price-names.js';
import { findPrice } from './prices.js';
import { promptPieces } from './prompt-pieces.js';
import { DEFAULT_PACING_HEADROOM, quotaEstimate, slowest } from './quota-time.js';
import { estimateTokens } from '../qianfan/spec/token-estimate.js';

/** The API families the run's requests use (embedding models send embeddings). */
export function runApis(config: Pick<EstimateConfig, 'api'>, prepared: Pick<EstimatePlanSource, 'targets'>): Set<ApiKind> {
  return new Set<ApiKind>(prepared.targets.map((target) => apiOfTarget(target, config.api)));
}

/** Every distinct text of the run the server would count prompt tokens of (what a server tokenizer is asked about). */
export function distinctPromptTexts(config: Pick<EstimateConfig, 'api'>, prepared: Pick<EstimatePlanSource, 'targets' | 'rows'>): string[] {
  const texts = new Set<string>();
  for (const api of runApis(config, prepared)) for (const row of prepared.rows) for (const text of promptPieces(row, api)) if (text !== '') texts.add(text);
  return [...texts];
}

/**
 * Estimates a run before it is sent: requests, input and output tokens, cost (low / expected /
 * high) per cell, per model and in total, the time the quota needs and, with a deadline, the quota
 * the deadline needs. Pure: give it the run's config, its prepared plan ingredients (prepareRun's
 * result fits), a price table and the date to price at. Throws a UserError for a closed-loop
 * `--duration` run without `--max-requests` (its size depends on the server).
 */
export function estimateRun(input: EstimateRunInput): RunEstimate {
  const { config, prepared, prices, priceDate } = input;
  const { catalog, targets, rows } = prepared;
  const notes: string[] = [];
  const planSize = targets.length * expandGrid(prepared.grid).length * rows.length * config.repeat;
  const stageCounts = stageRequestCounts(config, planSize);

  // Prompt tokens per row and API, each distinct text counted once.
  const count = input.countTokens ?? estimateTokens;
  const pieceTokens = new Map<string, number>();
  const tokensOf = (text: string): number => {
    if (text === '') return 0;
    let tokens = pieceTokens.get(text);
    if (tokens === undefined) {
      tokens = count(text);
      pieceTokens.set(text, tokens);
    }
    return tokens;
  };
  const rowTokens = new Map<ApiKind, number[]>();
  for (const api of runApis(config, prepared))
    rowTokens.set(
      api,
      rows.map((row) => promptPieces(row, api).reduce((sum, text) => sum + tokensOf(text), 0)),
    );

  // Requests per cell and row over every stage (stages of the same size walk the plan once).
  const cellTotals = new Map<number, { cell: CellPlan; requests: number; inputTokens: number }>();
  const walked = new Map<string, ReturnType<typeof tallyPlan>>();
  for (const stage of stageCounts) {
    const key = `${stage.count}:${stage.cycle}`;
    const tallied = walked.get(key) ?? tallyPlan(config, prepared, stage);
    walked.set(key, tallied);
    tallied.cells.forEach((cell, index) => {
      const tally = tallied.tallies[index] as CellTally;
      const perRow = rowTokens.get(cell.api) ?? [];
      let inputTokens = 0;
      for (const [row, times] of tally.byRow) inputTokens += (perRow[row] ?? 0) * times;
      const total = cellTotals.get(index) ?? { cell, requests: 0, inputTokens: 0 };
      total.requests += tally.requests;
      total.inputTokens += inputTokens;
      cellTotals.set(index, total);
    });
  }
  if (stageCounts.some((stage) => stage.cycle && stage.count > WALK_LIMIT))
    notes.push(`more than ${WALK_LIMIT} requests per stage: spread evenly over cells and rows instead of following the dispatch order`);

  const baseModel = config.baseModel !== undefined ? findModel(catalog, config.baseModel) : undefined;
  const earlier = input.earlier?.summary;
  const headroom = input.limiterHeadroom ?? DEFAULT_PACING_HEADROOM;
  const models: ModelEstimate[] = targets.map((target) => {
    const entry = findModel(catalog, target.model);
    const priceEntry = findPrice(prices, modelPriceNames(target, catalog), priceDate);
    const price = priceEntry !== undefined ? priceRef(priceEntry) : null;
    const cells: CellEstimate[] = [];
    for (const { cell, requests, inputTokens } of cellTotals.values()) {
      if (cell.model !== target.model || cell.endpoint !== target.endpoint) continue;
      const guess = outputGuess(cell, config.endpoints.includes(target.endpoint) ? undefined : entry, baseModel, earlier);
      const outputTokens: EstimateRange = {
        low: Math.round(guess.perRequest.low * requests),
        expected: Math.round(guess.perRequest.expected * requests),
        high: Math.round(guess.perRequest.high * requests),
      };
      const roundedInput = Math.round(inputTokens);
      cells.push({
        label: cell.label,
        model: cell.model,
        params: { ...cell.params },
        requests: Math.round(requests),
        inputTokens: roundedInput,
        outputTokensPerRequest: guess.perRequest,
        outputTokens,
        outputFrom: guess.from,
        costCny: costRange(price, roundedInput, outputTokens),
      });
    }
    const requests = cells.reduce((sum, cell) => sum + cell.requests, 0);
    const inputTokens = cells.reduce((sum, cell) => sum + cell.inputTokens, 0);
    const outputTokens = cells.reduce((sum, cell) => addRange(sum, cell.outputTokens), ZERO_RANGE);
    const api: ApiKind = apiOfTarget(target, config.api);
    const demand = { requests, tokens: { expected: inputTokens + outputTokens.expected, high: inputTokens + outputTokens.high } };
    return {
      model: target.model,
      endpoint: target.endpoint,
      price,
      requests,
      inputTokens,
      outputTokens,
      costCny: price === null ? { ...UNKNOWN_COST } : cells.reduce((sum, cell) => addCostRange(sum, cell.costCny), ZERO_COST),
      quota: quotaEstimate(config, `${api}/${target.endpoint}`, earlier, demand, { headroom, deadlineSeconds: input.deadlineSeconds }),
      cells,
    };
  });

  const totalCost = models.reduce((sum, model) => addCostRange(sum, model.costCny), ZERO_COST);
  const estimate: RunEstimate = {
    priceDate,
    tokenizer: input.tokenizer ?? 'local',
    stages: stageCounts.length,
    quotaWindowSeconds: config.quotaWindow,
    assumptions: {
      outputLowPerRequest: DEFAULT_LOW_OUTPUT_TOKENS,
      outputExpectedPerRequest: DEFAULT_EXPECTED_OUTPUT_TOKENS,
      outputHigh: 'max_output_tokens of the cell, else the model default',
    },
    models,
    total: {
      requests: models.reduce((sum, model) => sum + model.requests, 0),
      inputTokens: models.reduce((sum, model) => sum + model.inputTokens, 0),
      outputTokens: models.reduce((sum, model) => addRange(sum, model.outputTokens), ZERO_RANGE),
      costCny: totalCost,
      unpricedModels: models.filter((model) => model.price === null).map((model) => model.model),
      quota: {
        timeSeconds: {
          expected: slowest(models.map((model) => model.quota.timeSeconds.expected)),
          high: slowest(models.map((model) => model.quota.timeSeconds.high)),
        },
      },
    },
    notes,
  };
  if (prices.file !== undefined) estimate.pricesFile = prices.file;
  if (input.earlier !== undefined) estimate.from = input.earlier.dir;
  if (config.maxCost !== undefined || config.maxTokens !== undefined) estimate.budget = budgetVerdict(config, estimate.total);
  if (input.runsPerDay !== undefined) {
    estimate.ci = {
      runsPerDay: input.runsPerDay,
      costCny: { perRun: totalCost, perDay: scaleCostRange(totalCost, input.runsPerDay), per30Days: scaleCostRange(totalCost, input.runsPerDay * 30) },
    };
  }
  if (!config.adapt && (config.rpm !== undefined || config.tpm !== undefined))
    notes.push('--no-adapt: the run does not pace to --rpm/--tpm, so they are not used for the quota times');
  if (config.maxRequests !== undefined && config.duration !== undefined && config.rate === undefined)
    notes.push('--duration may end the run before --max-requests: the figures are an upper bound');
  return estimate;
}

/** Whether each figure reaches --max-cost / --max-tokens; unknown (null) when an unpriced model makes the cost unknown. */
function budgetVerdict(config: Pick<EstimateConfig, 'maxCost' | 'maxTokens'>, total: RunEstimate['total']): NonNullable<RunEstimate['budget']> {
  const over = (cost: number | null, tokens: number): boolean | null => {
    if (config.maxTokens !== undefined && tokens >= config.maxTokens) return true;
    if (config.maxCost === undefined) return false;
    return cost === null ? null : cost >= config.maxCost;
  };
  const { inputTokens, outputTokens: out, costCny: cost } = total;
  return {
    ...(config.maxCost !== undefined ? { maxCostCny: config.maxCost } : {}),
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
    exceeds: {
      low: over(cost.low, inputTokens + out.low),
      expected: over(cost.expected, inputTokens + out.expected),
      high: over(cost.high, inputTokens + out.high),
    },
  };
}
