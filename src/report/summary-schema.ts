/**
 * The zod schema of summary.json (schemaVersion 1), field for field the RunSummary of
 * src/metrics/types.ts. A compile-time check below proves the two agree both ways, so the day the
 * schema becomes the type's only source, `RunSummary = z.output<typeof summarySchema>` is a
 * one-line swap. Objects strip unknown keys rather than refuse them: a newer qfbench of the same
 * schema version may add optional fields, which an older reader just does not show.
 */
import { z } from 'zod';
import { LIMITER_REFILLS, OUTCOMES, type RunSummary } from '../metrics/types.js';

// summary.json is written with JSON.stringify, which has no Infinity or NaN: every number is finite.
const count = z.number().int().min(0);
const amount = z.number();

const distributionSchema = z.object({
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

const loadSchema = z.object({ kind: z.enum(['concurrency', 'rate']), value: amount });
const tokensSchema = z.object({ prompt: amount, completion: amount, total: amount });

const priceSchema = z.object({ model: z.string(), inputPer1k: amount, outputPer1k: amount, effectiveFrom: z.string(), source: z.string() });

const cellCostSchema = z.object({
  cny: amount.nullable(),
  inputCny: amount.nullable(),
  outputCny: amount.nullable(),
  price: priceSchema.nullable(),
  estimatedTokenRequests: count,
  simulated: z.boolean(),
});

const cellAssertionsSchema = z.object({ passed: count, failed: count, errored: count.optional(), skipped: count, passRate: amount.nullable() });

const cellSchema = z.object({
  id: z.string(),
  load: loadSchema.optional(),
  label: z.string(),
  model: z.string(),
  endpoint: z.string(),
  params: z.record(z.string(), z.unknown()),
  planned: count,
  outcomes: z.record(z.enum(OUTCOMES), count),
  errors: z.record(z.string(), z.object({ count, message: z.string() })),
  latencyMs: distributionSchema,
  latencySchedMs: distributionSchema,
  ttftMs: distributionSchema,
  ttftSchedMs: distributionSchema,
  tpotMs: distributionSchema,
  interChunkMs: distributionSchema,
  queueWaitMs: distributionSchema,
  promptTokensPerRequest: distributionSchema,
  completionTokensPerRequest: distributionSchema,
  tokens: tokensSchema,
  windowMs: amount,
  throughput: z.object({ requestsPerSec: amount, outputTokensPerSec: amount }),
  attempts: count,
  histograms: z.record(z.string(), z.string()),
  cost: cellCostSchema.optional(),
  assertions: cellAssertionsSchema.optional(),
  replayed: count.optional(),
});

const runSchema = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: amount,
  simulated: z.boolean(),
  provider: z.string(),
  baseUrl: z.string(),
  datasets: z.array(z.object({ file: z.string(), rows: count })),
  models: z.array(z.string()),
  paramGrid: z.record(z.string(), z.array(z.unknown())),
  repeat: count,
  concurrency: amount,
  stream: z.boolean(),
  seed: amount,
  interrupted: z.boolean(),
  metricsDefinitionVersion: amount,
  replayedFrom: z.string().optional(),
});

const loadSettingsSchema = z.object({
  kind: z.enum(['closed', 'open']),
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

const stageSchema = z.object({
  load: loadSchema,
  planned: count,
  started: count,
  completed: count,
  windowMs: amount,
  offeredRatePerSec: amount.optional(),
  dispatchedRatePerSec: amount,
  completedRatePerSec: amount,
  late: count.optional(),
  maxLagMs: amount.optional(),
  limiters: z
    .record(
      z.string(),
      z.object({
        throttled: amount,
        concurrency: amount,
        requestBudget: amount.optional(),
        tokenBudget: amount.optional(),
        refill: z.enum(LIMITER_REFILLS).optional(),
        creditRequests: amount.optional(),
      }),
    )
    .optional(),
});

const rangeSchema = z.object({ low: amount, expected: amount, high: amount });
const nullableRangeSchema = z.object({ low: amount.nullable(), expected: amount.nullable(), high: amount.nullable() });

const estimateCheckSchema = z.object({
  estimate: z.object({
    requests: amount,
    inputTokens: amount,
    outputTokens: rangeSchema,
    costCny: nullableRangeSchema,
    tokenizer: z.enum(['local', 'server']),
  }),
  actual: z.object({ requests: amount, ok: amount, inputTokens: amount, outputTokens: amount, costCny: amount.nullable() }),
});

const runCostSchema = z.object({
  currency: z.literal('CNY'),
  totalCny: amount.nullable(),
  knownCny: amount,
  unpricedModels: z.array(z.string()),
  priceDate: z.string(),
  pricesFile: z.string().optional(),
  simulated: z.boolean(),
  tokens: tokensSchema,
  budget: z.object({ maxCostCny: amount.optional(), maxTokens: amount.optional(), stopReason: z.string().optional(), dropped: count }).optional(),
  estimateCheck: estimateCheckSchema.optional(),
});

export const summarySchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('qfbench'), version: z.string() }),
  run: runSchema,
  load: loadSettingsSchema.optional(),
  stages: z.array(stageSchema).optional(),
  cells: z.array(cellSchema),
  cost: runCostSchema.optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/** Fails to compile when summarySchema and RunSummary drift apart (either direction). */
export type SummarySchemaMatchesRunSummary = Holds<Same<z.output<typeof summarySchema>, RunSummary>>;
