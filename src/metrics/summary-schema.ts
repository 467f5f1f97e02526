/**
 * The zod schema of summary.json (schemaVersion 1): the one source of the RunSummary type and its
 * parts (src/metrics/types.ts infers them from here) and of schema/summary.schema.json. It lives
 * in metrics/ so the run that writes a summary and the reports that read one both import it
 * without a back-flow. Objects strip unknown keys rather than refuse them: a newer qfbench of the
 * same schema version may add optional fields, which an older reader just does not show.
 * Optional fields are the ones older runs (or runs without the feature) lack.
 */
import { z } from 'zod';
import { capacitySummarySchema, cellGoodputSchema, sloSummarySchema } from './goodput-schema.js';

/** The summary.json schema version this build writes and reads (README: "summary.json and schemaVersion"). */
export const SUMMARY_SCHEMA_VERSION = 1;

export const OUTCOMES = ['ok', 'failed', 'throttled', 'timeout', 'cancelled', 'dropped'] as const;

/** What a check of the run judged (summary.checks). */
export const CHECK_KINDS = ['outcome', 'assertions', 'threshold', 'baseline', 'budget'] as const;

/** How a run ended, as its exit code says. */
export const RUN_STATUSES = ['passed', 'failed', 'aborted', 'interrupted'] as const;

/** How the limiter found the quota refilling from the server's Remaining headers; 'shared' when others spend it too. */
export const LIMITER_REFILLS = ['bucket', 'fixed', 'rolling', 'shared'] as const;

// summary.json is written with JSON.stringify, which has no Infinity or NaN: every number is finite.
const count = z.number().int().min(0);
const amount = z.number();

/** A distribution in milliseconds (or plain counts for token histograms), read from an HdrHistogram. */
export const distributionSummarySchema = z.object({
  count,
  min: amount,
  mean: amount,
  p50: amount,
  p90: amount,
  p95: amount,
  p99: amount,
  p999: amount,
  max: amount,
});

/** The load a cell ran under: a stage of a sweep, or the one stage of a plain run. */
export const cellLoadSchema = z.object({
  kind: z.enum(['concurrency', 'rate']),
  value: amount.describe('Requests in flight (closed loop) or requests per second offered (open loop).'),
});

const tokensSchema = z.object({
  prompt: amount,
  completion: amount.describe('Every generated token, reasoning included.'),
  total: amount,
  reasoning: amount.optional().describe("Of completion, a reasoning model's reasoning tokens; absent when no request of the cell reported any."),
});

/** The price entry a cost was computed with: CNY per 1,000 tokens, the day it took effect and its source. */
export const priceRefSchema = z.object({ model: z.string(), inputPer1k: amount, outputPer1k: amount, effectiveFrom: z.string(), source: z.string() });

/** What a cell cost (its ok requests' tokens x the price). Unknown amounts are null, never 0. */
export const cellCostSummarySchema = z
  .object({
    cny: amount.nullable().describe('CNY; null when the model has no known price.'),
    inputCny: amount.nullable(),
    outputCny: amount.nullable(),
    price: priceRefSchema.nullable().describe('The price entry used; null when none applies.'),
    estimatedTokenRequests: count.describe('Ok requests whose token counts were estimated because the server gave no usage.'),
    simulated: z.boolean().describe('The tokens came from the built-in simulator: the amount is what they would cost at real prices.'),
  })
  .describe('What the cell cost (added by the cost extension).');

/** How a cell's requests fared against their rows' assertions, over every repeat. */
export const cellAssertionsSchema = z
  .object({
    passed: count,
    failed: count.describe('Answers that failed an assertion.'),
    errored: count
      .optional()
      .describe('Requests that were sent and got no answer (failed, throttled, timeout): errors, not failed checks. Absent in runs before it was counted.'),
    skipped: count.describe('Requests whose assertions could not be checked (never sent; timing checks of a replay).'),
    passRate: amount.nullable().describe('passed / (passed + failed + errored); null when nothing was checked.'),
    score: amount
      .nullable()
      .optional()
      .describe(
        "Mean score of the cell's answered requests (a request's score: the weighted share, 0..1, of its row's assertions that passed); " +
          'null when none was scored. Absent in older runs.',
      ),
    metrics: z
      .record(
        z.string(),
        z.object({
          score: amount
            .nullable()
            .describe("Mean over answered requests of the weighted share of this metric's assertions that passed; null when none had weight."),
          passed: count.describe("This metric's assertions that passed, over every answered request."),
          failed: count.describe("This metric's assertions that failed, over every answered request."),
        }),
      )
      .optional()
      .describe("Per named metric (an assertion's `metric`): its figures over the cell's answered requests. Absent when no assertion names a metric."),
  })
  .describe('Assertion results, when the run checks assertions.');

export const cellFlagsSchema = z
  .object({
    needClearHistory: count.describe('Answers with need_clear_history true: the server judged the input unsafe.'),
    truncated: count.describe('Answers with is_truncated true: the output was cut.'),
  })
  .describe("Counts of v1's safety and truncation flags, in runs whose requests carry them (Qianfan v1).");

/** --sessions runs: how the cell's conversations went (src/run/session-tally.ts). */
export const cellSessionsSchema = z
  .object({
    conversations: count.describe('Conversations planned in the cell: each session of the file once per repeat.'),
    completed: count.describe('Conversations whose every planned turn was answered ok.'),
    turnsPlanned: count,
    turnsOk: count,
    endedEarly: z
      .record(z.string(), count)
      .describe(
        'Conversations that ended before their last turn, by why: the outcome of the turn that ended it (failed, timeout, throttled, dropped, ' +
          'cancelled), overflow (the history went past the input limit under --session-overflow stop) or empty_answer.',
      ),
    cleared: count.describe('Turns sent without history because the answer before had need_clear_history (the platform asks to clear it).'),
    trimmed: count.describe('Turns sent with their oldest turns left out to fit the input limit (--session-overflow trim).'),
    latencyMs: distributionSummarySchema.describe("Completed conversations: first turn's dispatch to last turn's end, think time included."),
    ttftByHistory: z
      .array(
        z.object({
          priorTurns: z.string().describe('Earlier turns sent with the turn: 0, 1, 2, 3-4, 5-8 or 9+.'),
          turns: count.describe('Ok turns with a time to first token in this bucket.'),
          ttftP50Ms: amount,
          ttftP95Ms: amount,
        }),
      )
      .describe('Time to first token of ok turns by the length of the history they carried; buckets without turns are left out.'),
  })
  .describe('--sessions runs: per-conversation figures of the cell. Absent in other runs.');

export const cellSummarySchema = z.object({
  id: z.string(),
  load: cellLoadSchema.optional(),
  label: z.string().describe('Human label: model plus parameters.'),
  model: z.string(),
  endpoint: z.string(),
  params: z.record(z.string(), z.unknown()),
  planned: count,
  outcomes: z.record(z.enum(OUTCOMES), count),
  errors: z
    .record(z.string(), z.object({ count, message: z.string() }))
    .describe('Error code (Qianfan `error_code`, HTTP status or transport code) to count and one sample message.'),
  latencyMs: distributionSummarySchema,
  latencySchedMs: distributionSummarySchema,
  ttftMs: distributionSummarySchema,
  ttftSchedMs: distributionSummarySchema,
  ttfrtMs: distributionSummarySchema
    .optional()
    .describe('Time to first reasoning token (metrics definition 2): cells of streaming reasoning models only; ttftMs stays the first answer token.'),
  tpotMs: distributionSummarySchema.describe('Over answer tokens: reasoning tokens are decoded before the first answer token.'),
  interChunkMs: distributionSummarySchema,
  queueWaitMs: distributionSummarySchema,
  promptTokensPerRequest: distributionSummarySchema,
  completionTokensPerRequest: distributionSummarySchema,
  tokens: tokensSchema.describe('Sums over ok requests.'),
  windowMs: amount.describe("From the cell's first dispatch to its last completion, added over the run's sessions (a resume's pause is not in it)."),
  throughput: z.object({
    requestsPerSec: amount,
    outputTokensPerSec: amount,
    documentsPerSec: amount.optional().describe('Reranker cells: documents of ok requests ranked per second of the cell window.'),
    imagesPerSec: amount.optional().describe('Text-to-image cells: images of ok requests per second of the cell window.'),
  }),
  attempts: count,
  histograms: z
    .record(z.string(), z.string())
    .describe('Each histogram as hdr-histogram-js compressed base64, values in integer microseconds (tokens: counts).'),
  cost: cellCostSummarySchema.optional(),
  assertions: cellAssertionsSchema.optional(),
  replayed: count.optional().describe('Requests answered from a recording (--replay); none of their timings counts.'),
  flags: cellFlagsSchema.optional(),
  goodput: cellGoodputSchema.optional(),
  sessions: cellSessionsSchema.optional(),
});

export const datasetInfoSchema = z.object({ file: z.string(), rows: count });

export const planIdentitySchema = z.object({
  hash: z.string().describe('sha256 over the cells, stages, dataset contents, repeat, seed, stream and bounds: equal hashes, equal plans.'),
  size: count.optional().describe('Requests in the whole plan (every shard); absent for a --duration run, whose size is what fits in the time.'),
  datasetSha256: z.array(z.string()).describe('sha256 of each dataset file, in --dataset order.'),
  catalogSha256: z.string().describe("sha256 of the catalog entries of the run's models."),
});

export const shardSchema = z.object({ index: count.describe('1-based.'), count });

export const sessionSchema = z.object({
  startedAt: z.string(),
  endedAt: z.string().optional().describe('Absent while running or when the session was killed.'),
  host: z.string().optional(),
  requests: count.optional().describe('Rows this session wrote.'),
  resumeFailed: z.boolean().optional().describe('This session re-sent failed, timeout and throttled requests too.'),
  overrides: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Settings that did not change the plan but differed from the first session (-c, --rpm, timeouts, …).'),
  shard: shardSchema.optional().describe('In a merged run: the shard the session belongs to.'),
});

export const mergedRunSchema = z.object({
  runs: z
    .array(z.object({ dir: z.string(), host: z.string().optional(), shard: shardSchema.optional(), startedAt: z.string(), endedAt: z.string() }))
    .describe('The merged run folders, in the order given.'),
  overlapGroups: z
    .array(z.array(count))
    .describe('Indexes into runs of the runs whose time windows overlapped: rates are summed within a group, not across groups.'),
  forced: z.boolean().describe('True when --force merged runs of different plans; every output says so.'),
});

/** The client's own load over the run: its figures include this delay when the delay is large against what it measured. */
export const clientOverheadSchema = z
  .object({
    eventLoopDelayMs: distributionSummarySchema.describe(
      "The client's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution), from the first request to the end, ms.",
    ),
    cpuUserMs: amount.describe('CPU time the client process spent in user mode over the run, ms.'),
    cpuSystemMs: amount.describe('CPU time the client process spent in the kernel over the run, ms.'),
    cpuShare: amount.describe('(user + system) / wall time of the run: 1 = one core busy.'),
    warning: z
      .string()
      .optional()
      .describe("Set when the delay's p99 exceeds 10% of the smallest cell TTFT p50 (latency p50 without TTFT): timings then include client delay."),
  })
  .describe("The client's own event-loop delay and CPU use (absent in older runs and merged runs).");

export const runMetadataSchema = z.object({
  startedAt: z.string().describe('Wall-clock label (ISO 8601).'),
  endedAt: z.string().describe('Wall-clock label (ISO 8601).'),
  durationMs: amount,
  simulated: z.boolean(),
  provider: z.string(),
  baseUrl: z.string().describe('Base URL with any credentials or query removed.'),
  datasets: z.array(datasetInfoSchema),
  models: z.array(z.string()),
  paramGrid: z.record(z.string(), z.array(z.unknown())),
  repeat: count,
  concurrency: amount,
  stream: z.boolean(),
  seed: amount,
  interrupted: z.boolean().describe('True when the run was stopped (Ctrl-C) before the plan was exhausted.'),
  metricsDefinitionVersion: amount,
  replayedFrom: z.string().optional().describe('The recording folder a replayed run (--replay) answered from.'),
  plan: planIdentitySchema.optional().describe('What the run planned, as a hash a resume and a merge check (absent in older runs).'),
  shard: shardSchema.optional().describe('The slice of the plan this run sent (--shard I/N); absent when it sent the whole plan.'),
  sessions: z
    .array(sessionSchema)
    .optional()
    .describe('One per start of the run: the first, then one per --resume. After a resume, interChunkMs covers the requests the last session sent.'),
  merged: mergedRunSchema.optional().describe('Present on the result of `qfbench merge`.'),
  client: clientOverheadSchema.optional(),
  rebuiltFromRows: z
    .boolean()
    .optional()
    .describe('True when `qfbench report` rebuilt the summary of a killed run from requests.csv: rows keep no chunk gaps, so interChunkMs is empty.'),
});

/** `--trace`: the trace replayed (an open loop on the trace's schedule). */
export const traceReplaySchema = z.object({
  file: z.string(),
  format: z.enum(['jsonl', 'mooncake', 'burstgpt']).describe("jsonl: qfbench's own; mooncake: Mooncake-style JSONL; burstgpt: BurstGPT-style CSV."),
  arrivals: count.describe('Arrivals replayed (after --trace-limit and skipped lines), each sent to every cell.'),
  speed: amount.describe('--trace-speed: 2 replays twice as fast.'),
  limit: count.optional().describe('--trace-limit, when given.'),
  spanMs: amount.describe('From the first arrival to the last, after --trace-speed.'),
  prompts: z
    .enum(['trace', 'synthetic', 'dataset', 'mixed'])
    .describe("Where the prompts came from: the trace's own, synthetic of the trace's token lengths, -d rows in order, or both of the first two."),
  skipped: count.optional().describe('Lines the format marks as failed requests (BurstGPT: 0 tokens), not replayed.'),
  clippedOutputs: count.optional().describe("Output lengths above the targets' max output tokens, clipped to it."),
  raisedOutputs: count.optional().describe('Output lengths below the smallest max output tokens allowed, raised to it.'),
});

export const loadSettingsSchema = z.object({
  kind: z.enum(['closed', 'open']),
  trace: traceReplaySchema.optional().describe('A trace replay (--trace); absent otherwise and in older runs.'),
  concurrency: z.array(amount),
  rate: z.array(amount).optional(),
  arrival: z.enum(['constant', 'poisson']).optional(),
  durationS: amount.optional(),
  maxRequests: amount.optional(),
  adapt: z.boolean(),
  rpm: amount.optional(),
  tpm: amount.optional(),
  retries: amount,
});

export const limiterSummarySchema = z.object({
  throttled: amount,
  concurrency: amount,
  requestBudget: amount.optional(),
  tokenBudget: amount.optional(),
  refill: z.enum(LIMITER_REFILLS).optional().describe('The refill behaviour inferred; absent while unknown (no Remaining headers, or not enough of them yet).'),
  creditRequests: amount
    .optional()
    .describe("Requests the server's Remaining said could start at the end, net of what was in flight; absent without the header."),
  timeline: z
    .object({
      bucketSeconds: amount.describe('Width of each bucket: 1 s, doubling on long runs.'),
      sent: z.array(count).describe('Starts granted in each bucket, from the first start.'),
      throttled: z.array(count).describe('Attempts refused as over quota, by when the refusal was heard.'),
      limitRequests: amount.optional().describe('Requests per window as the server stated it (Limit header), else --rpm; absent when neither.'),
      windowSeconds: amount.describe('The quota window the limiter counted in (--quota-window).'),
    })
    .optional()
    .describe('Quota use over time (added in 0.1.0 runs after the limiter redesign; absent in older runs and without --adapt).'),
});

/** How one stage of load went: offered, dispatched and completed rates side by side (metrics.md). */
export const stageSummarySchema = z.object({
  load: cellLoadSchema,
  planned: count.describe('Requests planned (each ended as exactly one outcome).'),
  started: count.describe('Requests that reached the server at least once.'),
  completed: count.describe('Requests that got an answer (any outcome but cancelled and dropped).'),
  windowMs: amount,
  offeredRatePerSec: amount.optional().describe('Open loop: the rate the schedule asked for.'),
  dispatchedRatePerSec: amount,
  completedRatePerSec: amount,
  late: count.optional().describe('Open loop: requests that started more than LATE_THRESHOLD_MS after they were due.'),
  maxLagMs: amount.optional().describe('Open loop: the worst lag behind the schedule.'),
  limiters: z.record(z.string(), limiterSummarySchema).optional().describe('What the adaptive limiter ended with, per quota key.'),
});

const rangeSchema = z.object({ low: amount, expected: amount, high: amount });
const nullableRangeSchema = z.object({ low: amount.nullable(), expected: amount.nullable(), high: amount.nullable() });

/** `--estimate-check`: the estimate made before the run beside what the run actually used. */
export const estimateCheckSchema = z.object({
  estimate: z.object({
    requests: amount,
    inputTokens: amount,
    outputTokens: rangeSchema,
    costCny: nullableRangeSchema,
    tokenizer: z.enum(['local', 'server']),
  }),
  actual: z.object({ requests: amount, ok: amount, inputTokens: amount, outputTokens: amount, costCny: amount.nullable() }),
});

/** The run's cost in total: the sum over cells, null when any cell's model has no known price. */
export const runCostSummarySchema = z
  .object({
    currency: z.literal('CNY'),
    totalCny: amount.nullable(),
    knownCny: amount.describe('Sum over the cells that could be priced.'),
    unpricedModels: z.array(z.string()).describe('Models without a price on `priceDate`.'),
    priceDate: z.string().describe('YYYY-MM-DD (Beijing time): the date the price table was read at.'),
    pricesFile: z.string().optional().describe('The --prices file that extended the built-in table, when given.'),
    simulated: z.boolean(),
    tokens: tokensSchema.describe('Tokens of the ok requests that count toward cost (replayed answers do not).'),
    budget: z
      .object({ maxCostCny: amount.optional(), maxTokens: amount.optional(), stopReason: z.string().optional(), dropped: count })
      .optional()
      .describe('--max-cost / --max-tokens and whether they stopped dispatching.'),
    estimateCheck: estimateCheckSchema.optional(),
  })
  .describe("The run's cost in total (added by the cost extension).");

/** One check that took part in the exit code: an assertion tally, a threshold, the baseline, a budget, or the run's own outcome check. */
export const checkResultSchema = z.object({
  kind: z.enum(CHECK_KINDS),
  name: z.string().describe("What was checked: 'assertions', 'threshold latency.p95<3000', 'baseline reports/base', 'budget', 'requests answered'."),
  cell: z.string().optional().describe('The label of the cell the check judged, when it judged one.'),
  pass: z.boolean(),
  detail: z.string().describe('One sentence: the figure found and the limit, or why the check failed.'),
});

/** What decided `qfbench run`'s exit code, as the run saw it when it wrote its files. */
export const runChecksSchema = z
  .object({
    exitCode: count.describe('What `qfbench run` exits with: 0 passed, 3 a check failed, 4 aborted, 130 interrupted.'),
    status: z.enum(RUN_STATUSES),
    results: z.array(checkResultSchema).describe('Every check, passing ones too, in the order: outcome, assertions, thresholds, baseline, budget.'),
    abortReason: z.string().optional(),
  })
  .describe('The checks of the run and its exit code (absent in runs before 0.1.0 recorded them, and in merged runs).');

export const summarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('qfbench'), version: z.string() }),
  run: runMetadataSchema,
  load: loadSettingsSchema.optional().describe('Absent in runs before load settings were recorded.'),
  stages: z.array(stageSummarySchema).optional().describe('Absent in runs before stages were recorded.'),
  cells: z.array(cellSummarySchema),
  cost: runCostSummarySchema.optional(),
  slo: sloSummarySchema.optional(),
  capacity: capacitySummarySchema.optional(),
  checks: runChecksSchema.optional(),
});
