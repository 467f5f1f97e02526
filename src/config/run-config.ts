/**
 * The typed run configuration: one zod schema is the single source of truth; the TypeScript type
 * is derived from it, and src/cli/run-flags.ts must map every key to a flag (a missing flag is a
 * compile error there). Flags are validated here, at the boundary, with messages naming the flag.
 */
import { z } from 'zod';
import { PriceDateSchema } from '../cost/prices.js';
import { configError } from '../errors.js';
import { parseThreshold } from '../eval/thresholds/parse.js';
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

/** A threshold expression such as `ttft.p95<800` (grammar: src/eval/thresholds/parse.ts). */
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
  z.number({ error: 'give a percentage such as 5% or a fraction such as 0.05' }).min(0).max(1, 'a fraction above 1 is a change of over 100%; write 5% or 0.05'),
);

export const RunConfigSchema = z.object({
  datasets: z.array(z.string().min(1)).min(1, 'give at least one dataset with -d FILE'),
  models: z.array(z.string().min(1)).default([]),
  endpoints: z.array(z.string().regex(/^[A-Za-z0-9._~-]+$/, 'an endpoint suffix has only letters, digits and . _ ~ -')).default([]),
  params: z.array(z.string()).default([]),
  api: z.enum(['chat', 'completions']).default('chat'),
  stream: z.boolean().default(true),
  concurrency: numberList(z.number({ error: 'expected a number or a comma list like 1,4,16' }).int().min(1).max(100_000)).default([8]),
  rate: numberList(z.number({ error: 'expected requests per second, or a comma list like 1,2,4' }).positive().max(1_000_000)).optional(),
  arrival: z.enum(['constant', 'poisson']).default('constant'),
  duration: positiveSeconds.optional(),
  maxRequests: z.number().int().min(1).optional(),
  adapt: z.boolean().default(true),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  quotaWindow: positiveSeconds.default(60),
  repeat: z.number().int().min(1).max(1_000_000).default(1),
  retries: z.number().int().min(0).max(20).default(2),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  out: z.string().min(1).optional(),
  force: z.boolean().default(false),
  provider: z.enum(['qianfan', 'openai']).default('qianfan'),
  apiKey: z.string().min(1).optional(),
  appId: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  sim: z.boolean().default(false),
  simOpt: z.array(z.string()).default([]),
  catalog: z.string().min(1).optional(),
  baseModel: z.string().min(1).optional(),
  connectTimeout: positiveSeconds.default(10),
  firstByteTimeout: positiveSeconds.default(120),
  idleTimeout: positiveSeconds.default(60),
  totalTimeout: positiveSeconds.default(600),
  // Caps every body the client buffers (error bodies, JSON answers, one SSE line or event, a stream's text).
  maxResponseBytes: z
    .number({ error: 'expected a number of bytes, e.g. 8388608 (8 MiB, the default)' })
    .int('expected a whole number of bytes')
    .min(1, 'the limit must be at least 1 byte')
    .max(MAX_RESPONSE_BYTES_LIMIT, `the limit is at most ${MAX_RESPONSE_BYTES_LIMIT} bytes (256 MiB): a longer text does not fit in one JavaScript string per request in flight`)
    .default(DEFAULT_MAX_RESPONSE_BYTES),
  grace: z.number().min(0).max(600).default(5),
  excel: z.boolean().default(false),
  quiet: z.boolean().default(false),
  prices: z.string().min(1).optional(),
  priceDate: PriceDateSchema.optional(),
  maxCost: z.number({ error: 'expected an amount in CNY' }).positive().optional(),
  maxTokens: z.number({ error: 'expected a number of tokens' }).int().min(1).optional(),
  estimateCheck: z.boolean().default(false),
  thresholds: z.array(thresholdExpression).default([]),
  baseline: z.string().min(1).optional(),
  tolerance: ToleranceSchema.default(0.05),
  record: z.string().min(1).optional(),
  replay: z.string().min(1).optional(),
  junit: z.string().min(1).optional(),
  summaryMd: z.string().min(1).optional(),
  jsTimeout: positiveSeconds.default(2),
});

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

export function parseRunConfig(input: unknown): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (parsed.success) {
    const config = parsed.data;
    if (config.models.length === 0 && config.endpoints.length === 0) {
      throw configError('give at least one model with -m MODEL (see `qfbench models`) or a custom service with --endpoint SUFFIX');
    }
    if (config.rate !== undefined && config.concurrency.length > 1) {
      throw configError('-c/--concurrency: with --rate, -c is the cap on requests in flight and takes one value; sweep one of them at a time');
    }
    return config;
  }
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw configError(`${flagName(key)}: ${issue?.message ?? 'invalid value'}`);
}
