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
  limiters?: Record<string, { throttled: number; concurrency: number; requestBudget?: number; tokenBudget?: number }>;
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
}
