/**
 * What `estimateRun` takes and gives back. The input is the run's configuration, the prepared plan
 * ingredients (prepareRun's result fits), a price table and, optionally, an earlier run's summary;
 * the result is JSON-ready (`qfbench estimate --json` prints it as is).
 */
import type { ParamGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import type { DatasetRow } from '../dataset/types.js';
import type { EstimateRange, PriceRef, RunSummary } from '../metrics/types.js';
import type { ModelTarget } from '../plan/plan.js';
import type { Catalog } from '../qianfan/spec/catalog.js';
import type { PriceTable } from './prices.js';

export type TokenizerMode = 'local' | 'server';

/** The run settings an estimate reads: the same plan, load bounds, quota pacing and budgets `run` uses. */
export type EstimateConfig = Pick<
  RunConfig,
  | 'api'
  | 'stream'
  | 'repeat'
  | 'seed'
  | 'concurrency'
  | 'rate'
  | 'arrival'
  | 'duration'
  | 'maxRequests'
  | 'endpoints'
  | 'baseModel'
  | 'quotaWindow'
  | 'rpm'
  | 'tpm'
  | 'adapt'
  | 'maxCost'
  | 'maxTokens'
>;

/** The plan's ingredients, validated (a PreparedRun fits). */
export interface EstimatePlanSource {
  catalog: Catalog;
  targets: ModelTarget[];
  grid: ParamGrid;
  rows: DatasetRow[];
}

/** What an estimate reads of an earlier run: its cells' answer lengths and its limiters' budgets. */
export type EarlierRun = Pick<RunSummary, 'cells' | 'stages'>;

export interface EstimateRunInput {
  config: EstimateConfig;
  prepared: EstimatePlanSource;
  prices: PriceTable;
  /** YYYY-MM-DD: the date prices are read at. */
  priceDate: string;
  /** Which tokenizer `countTokens` is; default 'local' (the offline estimator). */
  tokenizer?: TokenizerMode;
  /** Prompt tokens of one text; default the offline estimator. The server's counts are fetched beforehand (estimate-command.ts). */
  countTokens?: (text: string) => number;
  /** The summary of an earlier run (--from) and where it came from. */
  earlier?: { summary: EarlierRun; dir: string };
  deadlineSeconds?: number;
  runsPerDay?: number;
  /** The share of --rpm/--tpm the adaptive limiter paces to; default its own (DEFAULT_PACING_HEADROOM). */
  limiterHeadroom?: number;
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
