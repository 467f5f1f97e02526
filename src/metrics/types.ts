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

export interface CellSummary {
  id: string;
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

export interface RunSummary {
  schemaVersion: 1;
  tool: { name: 'qfbench'; version: string };
  run: RunMetadata;
  cells: CellSummary[];
}
