/**
 * What one planned request ends as, and what a cell adds up to. Definitions: shared metrics.md
 * (qfbench metrics definition version 1).
 */
export const METRICS_DEFINITION_VERSION = 1;

export const OUTCOMES = ['ok', 'failed', 'throttled', 'timeout', 'cancelled', 'dropped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One row of requests.csv: exactly one per planned request. Times in milliseconds. */
export interface RequestRecord {
  /** Position in the dispatch order (0-based). */
  seq: number;
  cellId: string;
  model: string;
  endpoint: string;
  /** Parameters as `key=value` pairs joined by `;`, stable order. */
  params: string;
  rowId: string;
  /** 0-based repeat index. */
  repeat: number;
  outcome: Outcome;
  errorCode?: string;
  errorMsg?: string;
  httpStatus?: number;
  attempts: number;
  backoffMs: number;
  /** `t_sched` relative to the run's start epoch. */
  schedOffsetMs?: number;
  /** `t_dispatch - t_sched`. */
  queueMs?: number;
  /** `t_done - t_dispatch` of the first attempt's dispatch to the final attempt's end. */
  latencyMs?: number;
  latencySchedMs?: number;
  ttftMs?: number;
  ttftSchedMs?: number;
  tpotMs?: number;
  decodeTps?: number;
  textEvents?: number;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  /** `server` when the numbers came from `usage`, `estimate` otherwise. */
  usageSource?: 'server' | 'estimate';
  finishReason?: string;
  output: string;
  /**
   * The row's assertions on this answer: `pass`, `fail`, `skip` (nothing could be checked: never
   * sent, or only timing checks on a replayed answer) or `none` (the row has no assertions). Set on
   * every request of a run that checks assertions, absent otherwise.
   */
  assertResult?: AssertResult;
  /** Why: the reasons of the failed (or skipped) assertions, `; `-separated; empty when all passed. */
  assertReason?: string;
  /**
   * True when the answer was served from a recording (--replay) instead of the network: its timings
   * are left empty (they would measure nothing) and cost leaves it out. Set on every request of a
   * replayed run, absent otherwise.
   */
  replayed?: boolean;
}

export const ASSERT_RESULTS = ['pass', 'fail', 'skip', 'none'] as const;
export type AssertResult = (typeof ASSERT_RESULTS)[number];

/** How a cell's requests fared against their rows' assertions, over every repeat. */
export interface CellAssertions {
  passed: number;
  /** Answers that failed an assertion. */
  failed: number;
  /** Requests that were sent and got no answer (failed, throttled, timeout): errors, not failed checks. Absent in runs before it was counted. */
  errored?: number;
  /** Requests whose assertions could not be checked (never sent; timing checks of a replay). */
  skipped: number;
  /** passed / (passed + failed + errored); null when nothing was checked. */
  passRate: number | null;
}

/** A distribution in milliseconds (or plain counts for token histograms), read from an HdrHistogram. */
export interface DistributionSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** The load a cell ran under: a stage of a sweep, or the one stage of a plain run. */
export interface CellLoad {
  kind: 'concurrency' | 'rate';
  /** Requests in flight (closed loop) or requests per second offered (open loop). */
  value: number;
}

export interface CellSummary {
  id: string;
  load?: CellLoad;
  /** Human label: model plus parameters. */
  label: string;
  model: string;
  endpoint: string;
  params: Record<string, unknown>;
  planned: number;
  outcomes: Record<Outcome, number>;
  /** Error code (Qianfan `error_code`, HTTP status or transport code) to count and one sample message. */
  errors: Record<string, { count: number; message: string }>;
  latencyMs: DistributionSummary;
  latencySchedMs: DistributionSummary;
  ttftMs: DistributionSummary;
  ttftSchedMs: DistributionSummary;
  tpotMs: DistributionSummary;
  interChunkMs: DistributionSummary;
  queueWaitMs: DistributionSummary;
  promptTokensPerRequest: DistributionSummary;
  completionTokensPerRequest: DistributionSummary;
  /** Sums over ok requests. */
  tokens: { prompt: number; completion: number; total: number };
  /** From the cell's first dispatch to its last completion. */
  windowMs: number;
  throughput: { requestsPerSec: number; outputTokensPerSec: number };
  attempts: number;
  /** Each histogram as hdr-histogram-js compressed base64, values in integer microseconds (tokens: counts). */
  histograms: Record<string, string>;
  /** What the cell cost (added by the cost extension). */
  cost?: CellCostSummary;
  /** Assertion results, when the run checks assertions. */
  assertions?: CellAssertions;
  /** Requests answered from a recording (--replay); none of their timings counts. */
  replayed?: number;
}

export interface DatasetInfo {
  file: string;
  rows: number;
}

export interface RunMetadata {
  /** Wall-clock labels (ISO 8601). */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  simulated: boolean;
  provider: string;
  /** Base URL with any credentials or query removed. */
  baseUrl: string;
  datasets: DatasetInfo[];
  models: string[];
  paramGrid: Record<string, unknown[]>;
  repeat: number;
  concurrency: number;
  stream: boolean;
  seed: number;
  /** True when the run was stopped (Ctrl-C) before the plan was exhausted. */
  interrupted: boolean;
  metricsDefinitionVersion: number;
  /** The recording folder a replayed run (--replay) answered from. */
  replayedFrom?: string;
}

/** How one stage of load went: offered, dispatched and completed rates side by side (metrics.md). */
export interface StageSummary {
  load: CellLoad;
  /** Requests planned (each ended as exactly one outcome). */
  planned: number;
  /** Requests that reached the server at least once. */
  started: number;
  /** Requests that got an answer (any outcome but cancelled and dropped). */
  completed: number;
  windowMs: number;
  /** Open loop: the rate the schedule asked for. */
  offeredRatePerSec?: number;
  dispatchedRatePerSec: number;
  completedRatePerSec: number;
  /** Open loop: requests that started more than LATE_THRESHOLD_MS after they were due, and the worst lag. */
  late?: number;
  maxLagMs?: number;
  /** What the adaptive limiter ended with, per quota key. */
  limiters?: Record<string, LimiterSummary>;
}

/** How the limiter found the quota refilling from the server's Remaining headers; 'shared' when others spend it too. */
export const LIMITER_REFILLS = ['bucket', 'fixed', 'rolling', 'shared'] as const;
export type LimiterRefill = (typeof LIMITER_REFILLS)[number];

export interface LimiterSummary {
  throttled: number;
  concurrency: number;
  requestBudget?: number;
  tokenBudget?: number;
  /** The refill behaviour inferred; absent while unknown (no Remaining headers, or not enough of them yet). */
  refill?: LimiterRefill;
  /** Requests the server's Remaining said could start at the end, net of what was in flight; absent without the header. */
  creditRequests?: number;
}

export interface LoadSettings {
  kind: 'closed' | 'open';
  concurrency: number[];
  rate?: number[];
  arrival?: 'constant' | 'poisson';
  durationS?: number;
  maxRequests?: number;
  adapt: boolean;
  rpm?: number;
  tpm?: number;
  retries: number;
}

export interface RunSummary {
  schemaVersion: 1;
  tool: { name: 'qfbench'; version: string };
  run: RunMetadata;
  load?: LoadSettings;
  stages?: StageSummary[];
  cells: CellSummary[];
  /** The run's cost in total (added by the cost extension). */
  cost?: RunCostSummary;
}

/** The price entry a cost was computed with: CNY per 1,000 tokens, the day it took effect and its source. */
export interface PriceRef {
  model: string;
  inputPer1k: number;
  outputPer1k: number;
  effectiveFrom: string;
  source: string;
}

/** What a cell cost (its ok requests' tokens x the price). Unknown amounts are null, never 0. */
export interface CellCostSummary {
  /** CNY; null when the model has no known price. */
  cny: number | null;
  inputCny: number | null;
  outputCny: number | null;
  /** The price entry used; null when none applies. */
  price: PriceRef | null;
  /** Ok requests whose token counts were estimated because the server gave no usage. */
  estimatedTokenRequests: number;
  /** The tokens came from the built-in simulator: the amount is what they would cost at real prices. */
  simulated: boolean;
}

/** Low / expected / high figures of an estimate; null where a price is unknown. */
export interface EstimateRange<T extends number | null = number> {
  low: T;
  expected: T;
  high: T;
}

/** `--estimate-check`: the estimate made before the run beside what the run actually used. */
export interface EstimateCheck {
  estimate: { requests: number; inputTokens: number; outputTokens: EstimateRange; costCny: EstimateRange<number | null>; tokenizer: 'local' | 'server' };
  actual: { requests: number; ok: number; inputTokens: number; outputTokens: number; costCny: number | null };
}

/** The run's cost in total: the sum over cells, null when any cell's model has no known price. */
export interface RunCostSummary {
  currency: 'CNY';
  totalCny: number | null;
  /** Sum over the cells that could be priced. */
  knownCny: number;
  /** Models without a price on `priceDate`. */
  unpricedModels: string[];
  /** YYYY-MM-DD (Beijing time): the date the price table was read at. */
  priceDate: string;
  /** The --prices file that extended the built-in table, when given. */
  pricesFile?: string;
  simulated: boolean;
  /** Tokens of the ok requests that count toward cost (replayed answers do not). */
  tokens: { prompt: number; completion: number; total: number };
  /** --max-cost / --max-tokens and whether they stopped dispatching. */
  budget?: { maxCostCny?: number; maxTokens?: number; stopReason?: string; dropped: number };
  estimateCheck?: EstimateCheck;
}
