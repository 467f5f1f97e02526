/**
 * The typed run configuration: one zod schema is the single source of truth, help texts included
 * (each key's description is its flag's help and its JSON Schema description); the TypeScript type
 * is derived from it, and the command line maps every key to a flag (a missing flag is a compile
 * error there). Flags are validated here, at the boundary, with messages naming the flag.
 */
import { parseShard } from './shard-spec.js';
import { z } from 'zod';
import { closestName } from './did-you-mean.js';
import { PriceDateSchema } from './price-date.js';
import { configError } from '../errors.js';
import { parseThreshold } from './threshold-expression.js';
import { checkTraceSettings } from './trace-settings.js';
import { checkSloSettings, SLO_SETTINGS_SHAPE } from './slo-settings.js';
import { DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES_LIMIT } from '../providers/body-limit.js';

const positiveSeconds = z.number().positive().max(86_400);

/**
 * A sweepable number: `8`, or `1,4,16,64` for one stage per value. Given as a string on the
 * command line (so the comma list survives) or as a number or array in a config file.
 */
function numberList(element: z.ZodNumber) {
  return z.preprocess((raw) => {
    if (typeof raw === 'number') return [raw];
    if (typeof raw === 'string') return raw.split(',').map((piece) => (piece.trim() === '' ? Number.NaN : Number(piece.trim())));
    if (Array.isArray(raw)) return raw.flatMap((item) => (typeof item === 'string' ? item.split(',').map(Number) : [item]));
    return raw;
  }, z.array(element).min(1));
}

/** A threshold expression such as `ttft.p95<800` (grammar: src/config/threshold-expression.ts). */
const thresholdExpression = z.string().superRefine((text, context) => {
  const parsed = parseThreshold(text);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
});

/** A relative change: `5%` or the fraction `0.05` (run --tolerance and compare --tolerance). */
export const ToleranceSchema = z.preprocess(
  (raw) => {
    if (typeof raw !== 'string') return raw;
    const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
    if (match === null) return raw;
    return match[2] === '%' ? Number(match[1]) / 100 : Number(match[1]);
  },
  z
    .number({ error: 'give a percentage such as 5% or a fraction such as 0.05' })
    .min(0)
    // A bare number above 1 was almost certainly meant as a percentage.
    .max(1, { error: (issue) => `a fraction above 1 is a change of over 100%; write 5% or 0.05; did you mean ${String(issue.input)}%?` }),
);

export const RunConfigSchema = z.object({
  // At least one of -d and --sessions: parseRunConfig checks it.
  datasets: z.array(z.string().min(1)).default([]).describe('Dataset file (.csv or .jsonl); repeatable'),
  sessions: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Session dataset (JSONL {"id", "turns": [...], "system"?, "think_time"?}): each session runs as a conversation whose later turns carry the ' +
        "model's real answers; -c is the sessions in flight",
    ),
  thinkTime: z
    .string()
    .regex(/^\d+(\.\d+)?(-\d+(\.\d+)?)?$/, 'expected seconds, e.g. 2, or a range such as 1-3 (drawn uniformly)')
    .optional()
    .describe("With --sessions: seconds between an answer and the next turn, fixed (2) or drawn from a range (1-3); a session's think_time overrides it"),
  sessionOverflow: z
    .enum(['trim', 'stop'])
    .default('trim')
    .describe("With --sessions: a history past the model's input limit drops its oldest turns (trim) or ends the session (stop)"),
  models: z.array(z.string().min(1)).default([]).describe('Model from the catalog (case-insensitive); repeatable'),
  endpoints: z
    .array(z.string().regex(/^[A-Za-z0-9._~-]+$/, 'an endpoint suffix has only letters, digits and . _ ~ -'))
    .default([])
    .describe('Endpoint suffix of a service of your own (custom deployment); repeatable'),
  params: z.array(z.string()).default([]).describe('Parameter grid key=v1,v2 (e.g. temperature=0.2,0.8), one cell per combination; repeatable'),
  allowUnknownParams: z.boolean().default(false).describe('Send a -p key that no model of the run is known to accept (a warning instead of an error)'),
  api: z.enum(['chat', 'completions']).default('chat').describe('v1 API family: chat messages or plain completions'),
  stream: z.boolean().default(true).describe('Stream answers (TTFT needs it); --no-stream for sync calls'),
  concurrency: numberList(z.number({ error: 'expected a number or a comma list like 1,4,16' }).int().min(1).max(100_000))
    .default([8])
    .describe('Requests in flight at most (with --rate: the cap); a list like 1,4,16 sweeps it'),
  rate: numberList(z.number({ error: 'expected requests per second, or a comma list like 1,2,4' }).positive().max(1_000_000))
    .optional()
    .describe('Open loop: requests per second on a fixed schedule; a list like 1,2,4 sweeps it'),
  arrival: z.enum(['constant', 'poisson']).default('constant').describe('Open-loop arrival model'),
  trace: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Replay the arrival times of a trace (.jsonl: ours or Mooncake-style; .csv: BurstGPT-style): each line a time plus a prompt or token lengths, ' +
        'or a time alone (prompts from -d in order); every model gets every arrival; -c caps requests in flight',
    ),
  traceSpeed: z
    .number({ error: 'expected a factor such as 2 (twice as fast) or 0.5 (half speed)' })
    .positive()
    .max(1_000_000)
    .optional()
    .describe('With --trace: replay time faster (2: twice as fast) or slower (0.5); default 1'),
  traceLimit: z.number().int().min(1).optional().describe('With --trace: replay only the first N arrivals'),
  duration: positiveSeconds.optional().describe('Stop dispatching after this many seconds (per stage); the dataset cycles'),
  maxRequests: z.number().int().min(1).optional().describe('Stop after this many requests (per stage); the dataset cycles'),
  adapt: z.boolean().default(true).describe('Adaptive limiter that paces to the server quota (--no-adapt: fixed concurrency)'),
  rpm: z.number().positive().optional().describe('Cap requests per minute below the account quota'),
  tpm: z.number().positive().optional().describe('Cap tokens per minute below the account quota'),
  quotaWindow: positiveSeconds.default(60).describe('The server quota window in seconds (Qianfan: 60)'),
  repeat: z.number().int().min(1).max(1_000_000).default(1).describe('Times each row is sent per cell'),
  retries: z.number().int().min(0).max(20).default(2).describe('Retries of throttled / retryable failures (0: none at any layer)'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1)
    .describe('Seed for the dispatch order, jitter and the simulator'),
  shard: z
    .string()
    .refine((text) => parseShard(text) !== undefined, 'expected I/N with 1 <= I <= N, e.g. 2/3')
    .optional()
    .describe('Send slice I of N of the plan (disjoint, cells balanced); run the others elsewhere and `qfbench merge` the folders'),
  shards: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('Like --shard I/N with I from $JOB_COMPLETION_INDEX (0-based: a Kubernetes Indexed Job); --rpm/--tpm are divided by N'),
  out: z.string().min(1).optional().describe('Output directory (default reports/<timestamp>)'),
  force: z.boolean().default(false).describe('Replace the run already in the --out folder (without it such a folder is refused)'),
  provider: z.enum(['qianfan', 'openai']).default('qianfan').describe('qianfan: the v1 API; openai: an OpenAI-compatible server (Qianfan v2, vLLM, …)'),
  apiKey: z
    .string()
    .min(1)
    .optional()
    .describe('Bearer key for --provider openai (prefer QIANFAN_BEARER_TOKEN or OPENAI_API_KEY: flags show in the process list)'),
  appId: z.string().min(1).optional().describe('Qianfan v2 appid header'),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .optional()
    .describe('API base URL (default $QIANFAN_BASE_URL or https://aip.baidubce.com)'),
  sim: z.boolean().default(false).describe('Run against the built-in simulator (in-process, port 0)'),
  simOpt: z.array(z.string()).default([]).describe('Simulator option key=value (e.g. firstChunkMs=50, rpm=120)'),
  catalog: z.string().min(1).optional().describe('JSON file of extra or overriding model entries'),
  baseModel: z
    .string()
    .min(1)
    .optional()
    .describe('Catalog model an --endpoint service was fine-tuned from (SFT of ERNIE Speed/Lite/Tiny/Character allows output up to 7K)'),
  connectTimeout: positiveSeconds.default(10).describe('Connect timeout, seconds'),
  firstByteTimeout: positiveSeconds.default(120).describe('Time to the response headers, seconds'),
  idleTimeout: positiveSeconds.default(60).describe('Longest gap between stream chunks, seconds'),
  totalTimeout: positiveSeconds.default(600).describe('Whole request, seconds'),
  // Caps every body the client buffers (error bodies, JSON answers, one SSE line or event, a stream's text).
  maxResponseBytes: z
    .number({ error: 'expected a number of bytes, e.g. 8388608 (8 MiB, the default)' })
    .int('expected a whole number of bytes')
    .min(1, 'the limit must be at least 1 byte')
    .max(
      MAX_RESPONSE_BYTES_LIMIT,
      `the limit is at most ${MAX_RESPONSE_BYTES_LIMIT} bytes (256 MiB): a longer text does not fit in one JavaScript string per request in flight`,
    )
    .default(DEFAULT_MAX_RESPONSE_BYTES)
    .describe(
      'Largest answer body, SSE line or event, or streamed answer text kept per request, in bytes (8388608 is 8 MiB); past it the request fails with ' +
        'response_too_large',
    ),
  grace: z.number().min(0).max(600).default(5).describe('Seconds in-flight requests get to finish after Ctrl-C'),
  excel: z.boolean().default(false).describe('Write CSVs with a UTF-8 BOM for Excel'),
  quiet: z.boolean().default(false).describe('No progress output'),
  json: z
    .boolean()
    .default(false)
    .describe('Print the final summary (summary.json with outDir and exitCode) as JSON on stdout and nothing else there; the table goes to stderr'),
  prices: z.string().min(1).optional().describe('JSON price table (CNY per 1,000 tokens) that extends or overrides the built-in one'),
  priceDate: PriceDateSchema.optional().describe('Price the run as of this date, YYYY-MM-DD (default: today in Beijing time)'),
  maxCost: z
    .number({ error: 'expected an amount in CNY' })
    .positive()
    .optional()
    .describe('Stop dispatching once the run has cost this many CNY; the rest is dropped and the run exits 4'),
  maxTokens: z
    .number({ error: 'expected a number of tokens' })
    .int()
    .min(1)
    .optional()
    .describe('Stop dispatching once the run has used this many tokens (prompt + completion); exits 4'),
  estimateCheck: z.boolean().default(false).describe('Estimate the cost before the run and print it beside the actual figures after it'),
  thresholds: z
    .array(thresholdExpression)
    .default([])
    .describe(
      'Every cell must meet it or the run exits 3: ttft.p95<800, latency.p99<5s, error_rate<1%, pass_rate>=0.95, cost_cny<2; model=NAME: in front limits ' +
        'it to some cells; repeatable',
    ),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe('Earlier run folder to compare with after the run: a regression beyond --tolerance exits 3; changed answers are listed'),
  tolerance: ToleranceSchema.default(0.05).describe('Smallest relative change --baseline calls a regression (5% or 0.05)'),
  record: z.string().min(1).optional().describe('Save every answer to DIR/recordings.jsonl for a later --replay'),
  replay: z.string().min(1).optional().describe('Answer from a --record folder instead of the network: no credentials, no quota, no timings'),
  junit: z.string().min(1).optional().describe('Write JUnit XML to FILE: one test case per row x cell, failures with their reason'),
  summaryMd: z.string().min(1).optional().describe('Write a Markdown summary to FILE (also appended to $GITHUB_STEP_SUMMARY when that is set)'),
  jsTimeout: positiveSeconds.default(2).describe('Time limit of one javascript assertion, seconds'),
  ...SLO_SETTINGS_SHAPE,
});

/** The setting a mistyped key most likely meant (`max_requests`, `concurency`), as a hint to append to its error. */
export function settingSuggestion(key: string): string {
  const known = Object.keys(RunConfigSchema.shape);
  const camel = key.replace(/[-_]+([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const candidates = [camel, `${camel}s`, camel.replace(/s$/, '')];
  const found = candidates.find((candidate) => candidate !== key && known.includes(candidate)) ?? closestName(key, known);
  return found !== undefined ? `; did you mean ${JSON.stringify(found)}?` : '; the keys are those of schema/qfbench.schema.json (camelCase)';
}

export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = z.output<typeof RunConfigSchema>;

/** Flag names for messages: `concurrency` is given as `-c/--concurrency`. */
const FLAG_NAMES: Partial<Record<keyof RunConfig, string>> = {
  datasets: '-d/--dataset',
  models: '-m/--model',
  endpoints: '--endpoint',
  baseModel: '--base-model',
  params: '-p/--param',
  concurrency: '-c/--concurrency',
  maxRequests: '--max-requests',
  baseUrl: '--base-url',
  simOpt: '--sim-opt',
  thresholds: '--threshold',
};

export function flagName(key: string): string {
  return FLAG_NAMES[key as keyof RunConfig] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** --sessions runs conversations, closed loop, in one process: what does not go with that. */
function checkSessionSettings(config: RunConfig): void {
  if (config.datasets.length > 0) throw configError('--sessions: give either -d/--dataset or --sessions, not both');
  if (config.trace !== undefined) throw configError('--sessions: give either --trace or --sessions, not both');
  if (config.rate !== undefined) throw configError('--sessions: runs closed loop (-c is the sessions in flight); --rate does not go with it');
  if (config.api !== 'chat') throw configError('--sessions: conversations need --api chat');
  if (config.shard !== undefined || config.shards !== undefined) throw configError('--sessions: a sharded run is not supported with sessions');
}

export function parseRunConfig(input: unknown): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (parsed.success) {
    const config = parsed.data;
    if (config.models.length === 0 && config.endpoints.length === 0) {
      throw configError('give at least one model with -m MODEL (see `qfbench models`) or a custom service with --endpoint SUFFIX');
    }
    if (config.datasets.length === 0 && config.sessions === undefined && config.trace === undefined)
      throw configError('-d/--dataset: give at least one dataset with -d FILE (or --sessions FILE)');
    checkTraceSettings(config);
    if (config.sessions !== undefined) checkSessionSettings(config);
    if (config.shard !== undefined && config.shards !== undefined)
      throw configError('--shard and --shards: give one (--shards takes I from $JOB_COMPLETION_INDEX)');
    if (config.rate !== undefined && config.concurrency.length > 1) {
      throw configError('-c/--concurrency: with --rate, -c is the cap on requests in flight and takes one value; sweep one of them at a time');
    }
    return checkSloSettings(config);
  }
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw configError(`${flagName(key)}: ${issue?.message ?? 'invalid value'}`);
}
