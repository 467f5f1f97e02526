/**
 * What a run would cost and how long the quota lets it take, before anything is sent. It takes
 * the run's own preparation (prepareRun: the same datasets, models, parameter grid, repeats and
 * load settings) and builds the same plans, so the requests it counts are the ones `run` sends.
 *
 * - Input tokens: every piece of text the server counts (chat: `system` and every message;
 *   completions and embeddings: the last user turn), counted by the offline estimator or by the
 *   tokenizer endpoint (one call per distinct piece).
 * - Output tokens per request, low / expected / high:
 *     high      max_output_tokens of the cell, else the model's default (catalog), else 1024;
 *     expected  the cell's mean completion in an earlier run (--from), else DEFAULT_EXPECTED_OUTPUT_TOKENS;
 *     low       the cell's shortest completion in that run, else DEFAULT_LOW_OUTPUT_TOKENS;
 *   all capped at high and raised to min_output_tokens; embeddings have none.
 * - Cost: input x input price + output x output price, per figure; a model without a price stays
 *   unknown (null) in every figure and in every total it is part of.
 * - Quota: requests and tokens per quota window (--quota-window, 60 s on Qianfan) from --rpm/--tpm
 *   (paced at the limiter's 97 % headroom, as the run does) and/or the budgets the adaptive limiter
 *   learned from the server's X-Ratelimit-* headers in the earlier run (summary.json stages[].limiters,
 *   already net of headroom), the smaller of the two. Each endpoint has its own quota; the run
 *   interleaves models, so the whole run takes as long as its slowest model.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expandGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { addCny, costOfTokens, priceRef, scaleCny } from '../cost/cost.js';
import { beijingDate, findPrice, loadPriceTable, type PriceTable } from '../cost/prices.js';
import { estimateTokens } from '../cost/token-estimate.js';
import type { DatasetRow } from '../dataset/types.js';
import { configError } from '../errors.js';
import { DEFAULT_LIMITER_CONFIG } from '../load/limiter.js';
import type { CellSummary, EstimateRange, PriceRef, RunSummary } from '../metrics/types.js';
import { buildPlan, type CellPlan, type ModelTarget } from '../plan/plan.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../providers/http.js';
import { findModel, type Catalog, type ModelEntry } from '../providers/qianfan/catalog.js';
import { DEFAULT_V1_BASE_URL, qianfanAuthFromEnv } from '../providers/qianfan/credentials.js';
import { createServerTokenizer } from '../providers/qianfan/tokenizer.js';
import type { ApiKind } from '../providers/types.js';
import { stableParams } from '../report/cell-extras.js';
import { readSummaryJson } from '../report/summary-json.js';
import { startSimulator } from '../sim/index.js';
import type { SimOptions } from '../sim/options.js';
import type { Logger } from '../util/logger.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';

/** Output tokens per request assumed when no earlier run says better (the limiter's own first guess is 200). */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 200;
/** The lower assumption: a short answer of a sentence or two. */
export const DEFAULT_LOW_OUTPUT_TOKENS = 32;
/** A custom endpoint's default output ceiling when no --base-model says otherwise (Qianfan's 1024). */
const FALLBACK_MAX_OUTPUT_TOKENS = 1024;
/** Cycled plans longer than this are distributed over cells proportionally instead of walked. */
const WALK_LIMIT = 2_000_000;

export type TokenizerMode = 'local' | 'server';

export interface EstimateInput {
  config: RunConfig;
  prepared: PreparedRun;
  prices: PriceTable;
  /** YYYY-MM-DD: the date prices are read at. */
  priceDate: string;
  tokenizer: TokenizerMode;
  /** Counts the tokens of one text (the server tokenizer); default the offline estimator. */
  countTokens?: (text: string) => Promise<number>;
  /** The summary of an earlier run (--from) and where it came from. */
  earlier?: { summary: RunSummary; dir: string };
  deadlineSeconds?: number;
  runsPerDay?: number;
}

export interface QuotaEstimate {
  /** Requests and tokens per quota window the run may use; null when unknown. */
  rpm: number | null;
  tpm: number | null;
  /** Where those limits come from. */
  limitsFrom: string | null;
  /** Seconds to send every request within them, with the expected and the high output; null without limits. */
  timeSeconds: { expected: number | null; high: number | null };
  /** The limit that sets the expected time. */
  limitedBy: 'rpm' | 'tpm' | null;
  /** Requests and tokens per quota window needed to finish within --deadline. */
  needed?: { deadlineSeconds: number; rpm: number; tpm: { expected: number; high: number } };
}

export interface CellEstimate {
  label: string;
  model: string;
  params: Record<string, unknown>;
  requests: number;
  inputTokens: number;
  outputTokensPerRequest: EstimateRange;
  outputTokens: EstimateRange;
  /** `earlier run` when --from had this cell, else `assumption`. */
  outputFrom: 'earlier run' | 'assumption';
  costCny: EstimateRange<number | null>;
}

export interface ModelEstimate {
  model: string;
  endpoint: string;
  price: PriceRef | null;
  requests: number;
  inputTokens: number;
  outputTokens: EstimateRange;
  costCny: EstimateRange<number | null>;
  quota: QuotaEstimate;
  cells: CellEstimate[];
}

export interface RunEstimate {
  priceDate: string;
  pricesFile?: string;
  tokenizer: TokenizerMode;
  /** --tokenizer server: calls made (one per distinct piece of text) and whether the simulator answered them. */
  tokenizerCalls?: number;
  simulatedTokenizer?: boolean;
  /** Stages of a -c / --rate sweep; each runs the whole plan. */
  stages: number;
  /** Seconds per quota window the rpm/tpm figures refer to. */
  quotaWindowSeconds: number;
  from?: string;
  assumptions: { outputLowPerRequest: number; outputExpectedPerRequest: number; outputHigh: string };
  models: ModelEstimate[];
  total: {
    requests: number;
    inputTokens: number;
    outputTokens: EstimateRange;
    costCny: EstimateRange<number | null>;
    unpricedModels: string[];
    quota: { timeSeconds: { expected: number | null; high: number | null } };
  };
  budget?: { maxCostCny?: number; maxTokens?: number; exceeds: { low: boolean | null; expected: boolean | null; high: boolean | null } };
  ci?: { runsPerDay: number; costCny: { perRun: EstimateRange<number | null>; perDay: EstimateRange<number | null>; per30Days: EstimateRange<number | null> } };
  notes: string[];
}

/** The texts of a row the server counts as prompt tokens for this API. */
export function promptPieces(row: DatasetRow, api: ApiKind): string[] {
  if (api !== 'chat') return [row.messages.at(-1)?.content ?? ''];
  return [...(row.system !== undefined ? [row.system] : []), ...row.messages.map((message) => message.content)];
}

/** Requests per stage: the full plan, or what --max-requests / --rate x --duration bound it to. */
function stageRequestCounts(config: RunConfig, planSize: number): Array<{ count: number; cycle: boolean }> {
  if (config.rate !== undefined) {
    return config.rate.map((rate) => {
      if (config.duration === undefined) return config.maxRequests !== undefined ? { count: config.maxRequests, cycle: true } : { count: planSize, cycle: false };
      // Arrivals are due while their offset is under the duration: ceil(rate x duration) of them at a constant rate.
      const arrivals = config.arrival === 'constant' ? Math.ceil(rate * config.duration - 1e-9) : Math.round(rate * config.duration);
      return { count: Math.min(arrivals, config.maxRequests ?? Number.POSITIVE_INFINITY), cycle: true };
    });
  }
  return config.concurrency.map(() => {
    if (config.maxRequests !== undefined) return { count: config.maxRequests, cycle: true };
    if (config.duration !== undefined) {
      throw configError('--duration: a closed-loop run bounded by time sends as many requests as the server answers in it; give --max-requests N (or --rate) to estimate it');
    }
    return { count: planSize, cycle: false };
  });
}

interface CellTally {
  requests: number;
  /** Requests per row index. */
  byRow: Map<number, number>;
}

function tallyPlan(config: RunConfig, prepared: PreparedRun, count: number, cycle: boolean): { cells: CellPlan[]; tallies: CellTally[] } {
  const plan = buildPlan({ targets: prepared.targets, grid: prepared.grid, rows: prepared.rows, repeat: config.repeat, seed: config.seed, api: config.api, stream: config.stream });
  const tallies: CellTally[] = plan.cells.map(() => ({ requests: 0, byRow: new Map() }));
  const rowIndex = new Map(prepared.rows.map((row, index) => [row, index]));
  if (!cycle) {
    for (const tally of tallies) {
      tally.requests = plan.requestsPerCell;
      prepared.rows.forEach((_, index) => tally.byRow.set(index, config.repeat));
    }
  } else if (count <= WALK_LIMIT) {
    let seen = 0;
    for (const spec of plan.requests({ cycle: true })) {
      if (seen++ >= count) break;
      const tally = tallies[spec.cell.index] as CellTally;
      const index = rowIndex.get(spec.row) as number;
      tally.requests++;
      tally.byRow.set(index, (tally.byRow.get(index) ?? 0) + 1);
    }
  } else {
    // Too long to walk: every cell meets every row equally often over whole passes of the plan.
    const perCellRow = count / (plan.cells.length * prepared.rows.length);
    for (const tally of tallies) {
      tally.requests = count / plan.cells.length;
      prepared.rows.forEach((_, index) => tally.byRow.set(index, perCellRow));
    }
  }
  return { cells: plan.cells, tallies };
}

interface OutputGuess {
  perRequest: EstimateRange;
  from: 'earlier run' | 'assumption';
}

function earlierCompletion(earlier: RunSummary | undefined, model: string, params: Record<string, unknown>): { mean: number; min: number } | undefined {
  if (earlier === undefined) return undefined;
  const key = stableParams(params);
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const cell of earlier.cells ?? []) {
    if (typeof cell?.model !== 'string' || cell.model.toLowerCase() !== model.toLowerCase() || stableParams(cell.params) !== key) continue;
    const dist = (cell as Partial<CellSummary>).completionTokensPerRequest;
    if (dist === undefined || !(dist.count > 0) || !Number.isFinite(dist.mean) || !Number.isFinite(dist.min)) continue;
    count += dist.count;
    sum += dist.mean * dist.count;
    min = Math.min(min, dist.min);
  }
  return count > 0 ? { mean: sum / count, min } : undefined;
}

function outputGuess(cell: CellPlan, entry: ModelEntry | undefined, baseModel: ModelEntry | undefined, earlier: RunSummary | undefined): OutputGuess {
  if (cell.api === 'embeddings') return { perRequest: { low: 0, expected: 0, high: 0 }, from: 'assumption' };
  const cap = cell.params.max_output_tokens;
  const high = typeof cap === 'number' ? cap : (entry?.defaultMaxOutputTokens ?? baseModel?.defaultMaxOutputTokens ?? FALLBACK_MAX_OUTPUT_TOKENS);
  const floorParam = cell.params.min_output_tokens;
  const floor = Math.min(high, typeof floorParam === 'number' ? floorParam : 0);
  const clamp = (value: number): number => Math.min(high, Math.max(floor, value));
  const seen = earlierCompletion(earlier, cell.model, cell.params);
  if (seen !== undefined) {
    return { perRequest: { low: clamp(seen.min), expected: Math.round(clamp(seen.mean) * 10) / 10, high }, from: 'earlier run' };
  }
  return { perRequest: { low: clamp(DEFAULT_LOW_OUTPUT_TOKENS), expected: clamp(DEFAULT_EXPECTED_OUTPUT_TOKENS), high }, from: 'assumption' };
}

function costRange(price: PriceRef | null, input: number, output: EstimateRange): EstimateRange<number | null> {
  const at = (tokens: number): number | null => costOfTokens(price, input, tokens)?.cny ?? null;
  return { low: at(output.low), expected: at(output.expected), high: at(output.high) };
}

function addRange(a: EstimateRange, b: EstimateRange): EstimateRange {
  return { low: a.low + b.low, expected: a.expected + b.expected, high: a.high + b.high };
}

function addCostRange(a: EstimateRange<number | null>, b: EstimateRange<number | null>): EstimateRange<number | null> {
  return { low: addCny(a.low, b.low), expected: addCny(a.expected, b.expected), high: addCny(a.high, b.high) };
}

function scaleCostRange(range: EstimateRange<number | null>, factor: number): EstimateRange<number | null> {
  return { low: scaleCny(range.low, factor), expected: scaleCny(range.expected, factor), high: scaleCny(range.high, factor) };
}

const ZERO_RANGE: EstimateRange = { low: 0, expected: 0, high: 0 };
const ZERO_COST: EstimateRange<number | null> = { low: 0, expected: 0, high: 0 };

/** The limiter budgets per quota window the earlier run ended with for this quota key (the largest over its stages). */
function learnedLimits(earlier: RunSummary | undefined, key: string): { rpm?: number; tpm?: number } {
  const result: { rpm?: number; tpm?: number } = {};
  for (const stage of earlier?.stages ?? []) {
    const limiter = stage?.limiters?.[key];
    if (limiter === undefined || limiter === null) continue;
    if (typeof limiter.requestBudget === 'number' && limiter.requestBudget > 0) result.rpm = Math.max(result.rpm ?? 0, limiter.requestBudget);
    if (typeof limiter.tokenBudget === 'number' && limiter.tokenBudget > 0) result.tpm = Math.max(result.tpm ?? 0, limiter.tokenBudget);
  }
  return result;
}

function quotaEstimate(
  config: RunConfig,
  key: string,
  earlier: RunSummary | undefined,
  requests: number,
  tokens: { expected: number; high: number },
  deadlineSeconds: number | undefined,
): QuotaEstimate {
  const window = config.quotaWindow;
  const headroom = DEFAULT_LIMITER_CONFIG.headroom;
  const learned = learnedLimits(earlier, key);
  const flags: string[] = [];
  let learnedUsed = false;
  const pick = (flag: number | undefined, seen: number | undefined, name: string): number | null => {
    const fromFlag = flag !== undefined && config.adapt ? flag * headroom : undefined;
    if (fromFlag !== undefined) flags.push(`--${name}`);
    if (seen !== undefined) learnedUsed = true;
    const values = [fromFlag, seen].filter((value): value is number => value !== undefined);
    return values.length > 0 ? Math.min(...values) : null;
  };
  const rpm = pick(config.rpm, learned.rpm, 'rpm');
  const tpm = pick(config.tpm, learned.tpm, 'tpm');
  const time = (tokenCount: number): { seconds: number | null; by: 'rpm' | 'tpm' | null } => {
    const byRequests = rpm !== null ? (requests / rpm) * window : undefined;
    const byTokens = tpm !== null ? (tokenCount / tpm) * window : undefined;
    if (byRequests === undefined && byTokens === undefined) return { seconds: null, by: null };
    if (byTokens === undefined || (byRequests !== undefined && byRequests >= byTokens)) return { seconds: round1(byRequests as number), by: 'rpm' };
    return { seconds: round1(byTokens), by: 'tpm' };
  };
  const expected = time(tokens.expected);
  const quota: QuotaEstimate = {
    rpm: rpm === null ? null : round1(rpm),
    tpm: tpm === null ? null : Math.round(tpm),
    limitsFrom:
      [
        ...(flags.length > 0 ? [`${flags.join(' and ')} at the limiter's ${Math.round(headroom * 100)}% headroom`] : []),
        ...(learnedUsed ? ["the earlier run's limiter (learned from X-Ratelimit headers)"] : []),
      ].join('; ') || null,
    timeSeconds: { expected: expected.seconds, high: time(tokens.high).seconds },
    limitedBy: expected.by,
  };
  if (deadlineSeconds !== undefined) {
    const windows = deadlineSeconds / window;
    quota.needed = {
      deadlineSeconds,
      rpm: round1(requests / windows),
      tpm: { expected: Math.ceil(tokens.expected / windows), high: Math.ceil(tokens.high / windows) },
    };
  }
  return quota;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function maxOrNull(values: Array<number | null>): number | null {
  if (values.some((value) => value === null)) return null;
  return values.length === 0 ? 0 : Math.max(...(values as number[]));
}

export function modelNames(target: ModelTarget, catalog: Catalog): string[] {
  const entry = findModel(catalog, target.model);
  return [target.model, target.endpoint, ...(entry !== undefined ? [entry.name, ...(entry.aliases ?? [])] : [])];
}

export async function estimateRun(input: EstimateInput): Promise<RunEstimate> {
  const { config, prepared, prices, priceDate } = input;
  const { catalog, targets, rows } = prepared;
  const notes: string[] = [];
  const planSize = targets.length * expandGrid(prepared.grid).length * rows.length * config.repeat;
  const stageCounts = stageRequestCounts(config, planSize);

  // Prompt tokens per row and API (every distinct piece asked once when the server counts them).
  const apis = new Set<ApiKind>(targets.map((target) => (target.kind === 'embedding' ? 'embeddings' : config.api)));
  const count = input.countTokens ?? ((text: string) => Promise.resolve(estimateTokens(text)));
  const pieceTokens = new Map<string, Promise<number>>();
  const tokensOf = (text: string): Promise<number> => {
    if (text === '') return Promise.resolve(0);
    let pending = pieceTokens.get(text);
    if (pending === undefined) {
      pending = count(text);
      pieceTokens.set(text, pending);
    }
    return pending;
  };
  const rowTokens = new Map<ApiKind, number[]>();
  for (const api of apis) {
    rowTokens.set(api, await Promise.all(rows.map(async (row) => (await Promise.all(promptPieces(row, api).map(tokensOf))).reduce((sum, n) => sum + n, 0))));
  }

  // Requests per cell and row over every stage.
  const cellTotals = new Map<number, { cell: CellPlan; requests: number; inputTokens: number }>();
  const walked = new Map<string, ReturnType<typeof tallyPlan>>();
  for (const stage of stageCounts) {
    const key = `${stage.count}:${stage.cycle}`;
    const tallied = walked.get(key) ?? tallyPlan(config, prepared, stage.count, stage.cycle);
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
  const models: ModelEstimate[] = targets.map((target) => {
    const entry = findModel(catalog, target.model);
    const priceEntry = findPrice(prices, modelNames(target, catalog), priceDate);
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
    const api: ApiKind = target.kind === 'embedding' ? 'embeddings' : config.api;
    return {
      model: target.model,
      endpoint: target.endpoint,
      price,
      requests,
      inputTokens,
      outputTokens,
      costCny: price === null ? { low: null, expected: null, high: null } : cells.reduce((sum, cell) => addCostRange(sum, cell.costCny), ZERO_COST),
      quota: quotaEstimate(config, `${api}/${target.endpoint}`, earlier, requests, { expected: inputTokens + outputTokens.expected, high: inputTokens + outputTokens.high }, input.deadlineSeconds),
      cells,
    };
  });

  const totalCost = models.reduce((sum, model) => addCostRange(sum, model.costCny), ZERO_COST);
  const estimate: RunEstimate = {
    priceDate,
    tokenizer: input.tokenizer,
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
          expected: maxOrNull(models.map((model) => model.quota.timeSeconds.expected)),
          high: maxOrNull(models.map((model) => model.quota.timeSeconds.high)),
        },
      },
    },
    notes,
  };
  if (prices.file !== undefined) estimate.pricesFile = prices.file;
  if (input.earlier !== undefined) estimate.from = input.earlier.dir;
  if (config.maxCost !== undefined || config.maxTokens !== undefined) {
    const over = (cost: number | null, tokens: number): boolean | null => {
      if (config.maxTokens !== undefined && tokens >= config.maxTokens) return true;
      if (config.maxCost === undefined) return false;
      return cost === null ? null : cost >= config.maxCost;
    };
    const totalInput = estimate.total.inputTokens;
    const out = estimate.total.outputTokens;
    estimate.budget = {
      ...(config.maxCost !== undefined ? { maxCostCny: config.maxCost } : {}),
      ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
      exceeds: { low: over(totalCost.low, totalInput + out.low), expected: over(totalCost.expected, totalInput + out.expected), high: over(totalCost.high, totalInput + out.high) },
    };
  }
  if (input.runsPerDay !== undefined) {
    estimate.ci = {
      runsPerDay: input.runsPerDay,
      costCny: { perRun: totalCost, perDay: scaleCostRange(totalCost, input.runsPerDay), per30Days: scaleCostRange(totalCost, input.runsPerDay * 30) },
    };
  }
  if (!config.adapt && (config.rpm !== undefined || config.tpm !== undefined)) notes.push('--no-adapt: the run does not pace to --rpm/--tpm, so they are not used for the quota times');
  if (config.maxRequests !== undefined && config.duration !== undefined && config.rate === undefined) notes.push('--duration may end the run before --max-requests: the figures are an upper bound');
  return estimate;
}

export interface EstimateCommandOptions {
  config: RunConfig;
  logger: Logger;
  tokenizer: TokenizerMode;
  /** An earlier run's folder (or its summary.json). */
  from?: string;
  deadlineSeconds?: number;
  runsPerDay?: number;
  simOptions?: SimOptions;
  env?: NodeJS.ProcessEnv;
}

async function readEarlierRun(path: string): Promise<{ summary: RunSummary; dir: string }> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'summary.json');
  } catch {
    throw configError(`--from ${path}: no such run folder or summary.json`);
  }
  try {
    return { summary: await readSummaryJson(file), dir: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw configError(`--from ${path}: no summary.json there (give the folder of an earlier run)`);
    throw error;
  }
}

/**
 * `qfbench estimate`: the run's own preparation (any problem with the input is the same
 * configuration error `run` would give), then the estimate. Only the tokenizer endpoint is ever
 * called (with --tokenizer server), against the simulator when --sim is given; never chat.
 */
export async function estimateFromConfig(options: EstimateCommandOptions): Promise<RunEstimate> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  const prepared = await prepareRun(config, logger);
  const prices = await loadPriceTable(config.prices);
  const earlier = options.from !== undefined ? await readEarlierRun(options.from) : undefined;
  const base = {
    config,
    prepared,
    prices,
    priceDate: config.priceDate ?? beijingDate(),
    ...(earlier !== undefined ? { earlier } : {}),
    ...(options.deadlineSeconds !== undefined ? { deadlineSeconds: options.deadlineSeconds } : {}),
    ...(options.runsPerDay !== undefined ? { runsPerDay: options.runsPerDay } : {}),
  };
  if (options.tokenizer === 'local') return estimateRun({ ...base, tokenizer: 'local' });

  if (config.provider === 'openai' && !config.sim) {
    throw configError("--tokenizer server asks Qianfan's v1 tokenizer endpoint, which --provider openai servers do not have; use --tokenizer local");
  }
  const auth = config.sim ? undefined : qianfanAuthFromEnv(env);
  const simulator = config.sim ? await startSimulator({ seed: config.seed, catalog: prepared.catalog, ...options.simOptions }) : undefined;
  const agent = createAgent({ connections: 8, timeouts: DEFAULT_TIMEOUTS });
  try {
    const tokenizer = createServerTokenizer({
      baseUrl: simulator?.url ?? config.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL,
      auth: simulator !== undefined ? { kind: 'oauth', credentials: simulator.credentials } : (auth as NonNullable<typeof auth>),
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
    });
    const estimate = await estimateRun({ ...base, tokenizer: 'server', countTokens: (text) => tokenizer.count(text) });
    estimate.tokenizerCalls = tokenizer.calls;
    estimate.simulatedTokenizer = simulator !== undefined;
    return estimate;
  } finally {
    await agent.close().catch(() => undefined);
    await simulator?.close();
  }
}
