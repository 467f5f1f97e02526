/**
 * What one planned request ends as, and what a cell adds up to. Definitions: shared metrics.md
 * plus the README's "Metrics" section (qfbench metrics definition version 2: version 1 and the
 * time to first reasoning token and reasoning tokens). The summary types are inferred from the
 * zod schema of summary.json (./summary-schema.ts), their one source.
 */
import type { z } from 'zod';
import type {
  cellAssertionsSchema,
  checkResultSchema,
  cellCostSummarySchema,
  cellFlagsSchema,
  cellLoadSchema,
  cellSummarySchema,
  cellSessionsSchema,
  datasetInfoSchema,
  distributionSummarySchema,
  estimateCheckSchema,
  limiterSummarySchema,
  loadSettingsSchema,
  traceReplaySchema,
  mergedRunSchema,
  planIdentitySchema,
  priceRefSchema,
  runChecksSchema,
  runCostSummarySchema,
  runMetadataSchema,
  sessionSchema,
  shardSchema,
  stageSummarySchema,
  summarySchema,
} from './summary-schema.js';
import { CHECK_KINDS, LIMITER_REFILLS, OUTCOMES, RUN_STATUSES } from './summary-schema.js';

export { CHECK_KINDS, LIMITER_REFILLS, OUTCOMES, RUN_STATUSES };

/** 2: adds ttfrt and reasoning tokens (TTFT is still the first answer token, TPOT counts answer tokens). */
export const METRICS_DEFINITION_VERSION = 2;

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
  /** Time to first reasoning token: `t_first_reasoning - t_dispatch` (streaming reasoning models only). */
  ttfrtMs?: number;
  /** Answer tokens only: `(t_last_tok - t_first_tok) / (completion_tokens - reasoning_tokens - 1)`. */
  tpotMs?: number;
  decodeTps?: number;
  textEvents?: number;
  promptTokens?: number;
  /** Every generated token, reasoning included. */
  completionTokens?: number;
  totalTokens?: number;
  /** Of completionTokens, the reasoning ones (`usage.completion_tokens_details.reasoning_tokens`). */
  reasoningTokens?: number;
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
  /** The answer's score: the weighted share (0..1) of its row's assertions that passed; absent without an answer to score. */
  assertScore?: number;
  /**
   * True when the answer was served from a recording (--replay) instead of the network: its timings
   * are left empty (they would measure nothing) and cost leaves it out. Set on every request of a
   * replayed run, absent otherwise.
   */
  replayed?: boolean;
  /**
   * Which session of the run sent it (0 for the first; a resume adds one): each session has its own
   * clock and throughput window. Set on every request of a run with a run.json, absent in older files.
   */
  session?: number;
  /**
   * v1's `need_clear_history`: the server judged the input unsafe (qianfan-api.md §9). With
   * `banRound` (the sensitive turn, -1 for the current one) and `isTruncated` (the answer was cut):
   * set on every request a v1 provider answered (false / absent when the answer lacks them), absent for other protocols.
   */
  needClearHistory?: boolean;
  banRound?: number;
  isTruncated?: boolean;
  /** Reranker cells: how many documents the request sent to be ranked; absent for other APIs. */
  documents?: number;
  /** Text-to-image cells: the images the request asked for (`n`, default 1); absent for other APIs. */
  images?: number;
  /** Text-to-image cells, ok requests: latency divided by the images. */
  msPerImage?: number;
  /** --sessions runs: the session (dataset id) this turn belongs to, and the turn (1-based). */
  sessionId?: string;
  turn?: number;
  /** --sessions runs: messages sent (earlier turns kept plus this one) and their characters with `system`. */
  historyMessages?: number;
  historyChars?: number;
  /** --sessions runs: `trimmed:N` (oldest turns left out to fit), `cleared` (need_clear_history), `ended:WHY` (first turn not sent after an early end). */
  historyAction?: string;
}

export const ASSERT_RESULTS = ['pass', 'fail', 'skip', 'none'] as const;
export type AssertResult = (typeof ASSERT_RESULTS)[number];

export type CellAssertions = z.output<typeof cellAssertionsSchema>;
export type CellFlags = z.output<typeof cellFlagsSchema>;
export type DistributionSummary = z.output<typeof distributionSummarySchema>;
export type CellLoad = z.output<typeof cellLoadSchema>;
export type CellSummary = z.output<typeof cellSummarySchema>;
export type CellSessions = z.output<typeof cellSessionsSchema>;
export type DatasetInfo = z.output<typeof datasetInfoSchema>;
export type RunMetadata = z.output<typeof runMetadataSchema>;
export type PlanIdentity = z.output<typeof planIdentitySchema>;
export type Shard = z.output<typeof shardSchema>;
export type RunSession = z.output<typeof sessionSchema>;
export type MergedRun = z.output<typeof mergedRunSchema>;
export type StageSummary = z.output<typeof stageSummarySchema>;
export type LimiterRefill = (typeof LIMITER_REFILLS)[number];
export type LimiterSummary = z.output<typeof limiterSummarySchema>;
export type LoadSettings = z.output<typeof loadSettingsSchema>;
export type TraceReplay = z.output<typeof traceReplaySchema>;
export type RunSummary = z.output<typeof summarySchema>;
export type PriceRef = z.output<typeof priceRefSchema>;
export type CellCostSummary = z.output<typeof cellCostSummarySchema>;
export type EstimateCheck = z.output<typeof estimateCheckSchema>;
export type RunCostSummary = z.output<typeof runCostSummarySchema>;
export type CheckResult = z.output<typeof checkResultSchema>;
export type RunChecks = z.output<typeof runChecksSchema>;

/** Low / expected / high figures of an estimate; null where a price is unknown. */
export interface EstimateRange<T extends number | null = number> {
  low: T;
  expected: T;
  high: T;
}
