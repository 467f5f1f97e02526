/**
 * Simulator options: one zod schema validates them whatever their source (`--sim-opt key=value`,
 * `qfbench sim`, the library's `startSimulator`) and fills in the defaults; the types derive from
 * it. Every knob is optional so a test can start a simulator with `startSimulator()` and tune only
 * what it exercises. Nonsense options would make the simulator lie quietly, so they fail at start
 * with one line naming the option, its value and what is allowed.
 */
import { z } from 'zod';
import { configError, type UserError } from '../errors.js';
import { BUILT_IN_CATALOG, type Catalog } from '../qianfan/spec/catalog.js';

/** Faults the simulator can inject; the order here is the order the dice are rolled in. */
export const FAULT_KINDS = ['http500', 'busy', 'resetBeforeHeaders', 'cutMidStream', 'garbageSse', 'midStreamError', 'jsonInsteadOfStream', 'stall'] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where an answer's text comes from (answer-modes.ts). */
export const ANSWER_MODES = ['filler', 'echo', 'dataset'] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];

const QUOTA_WINDOW_MODES = ['rolling', 'fixed', 'bucket'] as const;
export type QuotaWindowMode = (typeof QUOTA_WINDOW_MODES)[number];

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

// Each option's description is the allowed range the error message quotes.
const nonNegative = (fallback: number) => z.number().min(0).default(fallback).describe('a number >= 0');
const nonEmpty = (fallback: string) => z.string().min(1).default(fallback).describe('a non-empty string');
const probability = z.number().min(0).max(1);
const outputTokensSchema = z
  .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min is above max' });

export const SimOptionsSchema = z
  .object({
    /** Port to listen on; 0 (default) lets the OS pick a free one. */
    port: z.number().int().min(0).max(65535).default(0).describe('an integer in [0, 65535]'),
    /** Interface to bind; default '127.0.0.1' so a test never exposes the simulator. */
    host: nonEmpty('127.0.0.1'),
    /** Default 1. All jitter, output text and length, faults and ids derive from it. */
    seed: z.number().default(1).describe('a finite number'),
    /** Accepted OAuth credentials; default 'sim-ak' / 'sim-sk'. */
    ak: z.string().default('sim-ak').describe('a string'),
    sk: z.string().default('sim-sk').describe('a string'),
    /** Accepted IAM key pair for bce-auth-v1 signed requests; default 'sim-access-key' / 'sim-secret-key'. */
    accessKey: z
      .string()
      .min(1)
      .regex(/^[^/]*$/)
      .default('sim-access-key')
      .describe('a non-empty string without "/"'),
    secretKey: nonEmpty('sim-secret-key'),
    /** Accepted v2 `Authorization: Bearer` key (/v2/chat/completions, /v2/embeddings); default 'sim-bearer-token'. */
    bearerToken: nonEmpty('sim-bearer-token'),
    /** Lifetime of issued access tokens; default 30 days like the real service (expired -> 111). */
    tokenTtlMs: nonNegative(THIRTY_DAYS_MS),
    /** Base time to first chunk, default 300 ms. */
    firstChunkMs: nonNegative(300),
    /** Prefill cost added to the time to first chunk per prompt token, default 0.2 ms. */
    prefillMsPerToken: nonNegative(0.2),
    /** Decode time per output token, default 20 ms. */
    msPerOutputToken: nonNegative(20),
    /** Each delay is multiplied by 1 + jitter*(2r-1) with r seeded; default 0.1. */
    jitter: probability.default(0.1).describe('a number in [0, 1]'),
    /** Range of output lengths before max/min_output_tokens apply; default {min: 20, max: 120}. */
    outputTokens: outputTokensSchema.default(() => ({ min: 20, max: 120 })).describe('{"min": M, "max": N}, integers with 1 <= M <= N'),
    /** Requests served at full speed; above it everything slows by inFlight/capacity. Default Infinity. */
    capacity: z
      .union([z.number().positive(), z.literal(Number.POSITIVE_INFINITY)])
      .default(Number.POSITIVE_INFINITY)
      .describe('a number > 0'),
    /** Per-endpoint requests per window; default 0 = unlimited. */
    rpm: nonNegative(0),
    /** Per-endpoint tokens (prompt + completion) per window; default 0 = unlimited. */
    tpm: nonNegative(0),
    /** 'rolling' (default): each charge expires windowMs after it was made; 'fixed': counters reset on window boundaries since start. */
    quotaWindow: z.enum(QUOTA_WINDOW_MODES).default('rolling').describe(QUOTA_WINDOW_MODES.join(' or ')),
    /** How the quota refills, overriding quotaWindow: 'bucket' refills continuously at rpm/tpm per window (capacity one window's worth). */
    quotaModel: z.enum(QUOTA_WINDOW_MODES).optional().describe(QUOTA_WINDOW_MODES.join(' or ')),
    /** Quota window length, default 60000 ms (tests shorten it). */
    windowMs: z.number().positive().default(60_000).describe('a number > 0'),
    /** Probability per request of each fault; default none. */
    faults: z
      .partialRecord(z.enum(FAULT_KINDS), probability)
      .default(() => ({}))
      .describe(`{"fault": probability in [0, 1]} with faults ${FAULT_KINDS.join(', ')}`),
    /** Share of v1 chat inputs judged unsafe (need_clear_history, ban_round -1), keyed by content; default 0 (unsafe-input.ts). */
    unsafeRate: probability.default(0).describe('a number in [0, 1]'),
    /** How long the 'stall' fault pauses mid-stream, default 30000 ms. */
    stallMs: nonNegative(30_000),
    /** Models and their limits; default the built-in catalog. */
    catalog: z
      .custom<Catalog>((value) => typeof value === 'object' && value !== null && Array.isArray((value as { models?: unknown }).models))
      .default(BUILT_IN_CATALOG)
      .describe('a catalog ({"models": [...]})'),
    /**
     * Custom endpoint suffix -> the catalog model it was published from (`--endpoint X --base-model B`):
     * the endpoint is served with that base's customService limits (endpoint-limits.ts). Default none.
     */
    customEndpoints: z
      .record(z.string().min(1), z.string().min(1))
      .default(() => ({}))
      .describe('{"endpoint suffix": "base model name"}'),
    /** What an answer says: 'filler' (default) generated text, 'echo' the last user message, 'dataset' the row's sim_answer (answer-modes.ts). */
    answers: z.enum(ANSWER_MODES).default('filler').describe(ANSWER_MODES.join(' or ')),
    /** answers=dataset: request content key (datasetAnswerKey) -> the answer; a request not in it gets filler. Default none. */
    datasetAnswers: z
      .record(z.string(), z.string())
      .default(() => ({}))
      .describe('{"content key": "answer"}'),
  })
  .strict();

/** What a caller may give: every option optional. */
export type SimOptions = z.input<typeof SimOptionsSchema>;
/** Every option with its default filled in. */
export type ResolvedSimOptions = z.output<typeof SimOptionsSchema>;
export type SimOptionName = keyof ResolvedSimOptions;
export const SIM_OPTION_NAMES = Object.keys(SimOptionsSchema.shape) as SimOptionName[];

/** How an error names the option at fault: `simulator option jitter=2` (library) or `--sim-opt jitter=2` (CLI). */
export type NameOption = (key: string, value: unknown) => string;

const libraryName: NameOption = (key, value) => `simulator option ${key}=${shownValue(value)}`;

export function resolveOptions(options: SimOptions = {}, nameOption: NameOption = libraryName): ResolvedSimOptions {
  const parsed = SimOptionsSchema.safeParse(options);
  if (!parsed.success) throw simOptionError(parsed.error.issues[0] as z.core.$ZodIssue, options, nameOption);
  return parsed.data;
}

/** The schema's description of what `key` accepts (the text after "expected"). */
function allowedValues(key: string): string | undefined {
  return (SimOptionsSchema.shape as Record<string, z.ZodType | undefined>)[key]?.description;
}

function simOptionError(issue: z.core.$ZodIssue, input: unknown, nameOption: NameOption): UserError {
  const [key, ...inner] = issue.path.map(String);
  if (key === undefined) {
    if (issue.code === 'unrecognized_keys') {
      return configError(`unknown simulator option ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; the options are ${SIM_OPTION_NAMES.join(', ')}`);
    }
    return configError(`simulator options: expected an object of options (${SIM_OPTION_NAMES.join(', ')})`);
  }
  const value = (input as Record<string, unknown>)[key];
  const detail =
    issue.code === 'unrecognized_keys'
      ? ` (unknown: ${issue.keys.map((k) => JSON.stringify(k)).join(', ')})`
      : inner.length > 0 || issue.code === 'custom'
        ? ` (${[key, ...inner].join('.')}: ${issue.message})`
        : '';
  return configError(`${nameOption(key, value)}: expected ${allowedValues(key) ?? 'a valid value'}${detail}`);
}

/** A value as the user would write it, cut short so a catalog does not flood the terminal. */
export function shownValue(value: unknown): string {
  let text: string;
  if (typeof value === 'number') text = String(value);
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
