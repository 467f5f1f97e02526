/**
 * The run settings of `--slo` and `--find-capacity`: their schema keys (spread into the run
 * configuration's one schema, ./run-config.ts) and the checks across keys that schema cannot make.
 */
import { z } from 'zod';
import { configError } from '../errors.js';
import { parseSlo, sloOf } from './slo-expression.js';

/** Requests per stage of a capacity search when neither --max-requests nor --duration bounds it. */
export const DEFAULT_CAPACITY_STAGE_REQUESTS = 50;

/** `95%` or `0.95`. */
const share = (what: string) =>
  z.preprocess(
    (raw) => {
      if (typeof raw !== 'string') return raw;
      const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
      if (match === null) return raw;
      return match[2] === '%' ? Number(match[1]) / 100 : Number(match[1]);
    },
    z
      .number({ error: `give ${what} as a percentage such as 95% or a fraction such as 0.95` })
      .gt(0, `${what} must be above 0`)
      .max(1, { error: (issue) => `${what} is at most 1 (100%); did you mean ${String(issue.input)}%?` }),
  );

export const SLO_SETTINGS_SHAPE = {
  slo: z
    .string()
    .superRefine((text, context) => {
      const parsed = parseSlo(text);
      if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
    })
    .optional()
    .describe(
      'Service-level objective for goodput, e.g. ttft<800ms,latency<5s,error_rate<1% ' +
        '(bounds: ttft, ttft_sched, latency, latency_sched, tpot, error_rate, throttled_rate)',
    ),
  sloAttainment: share('the SLO attainment')
    .default(0.95)
    .describe('Share of requests that must meet the --slo bounds for a stage or cell to meet the SLO (95% or 0.95)'),
  findCapacity: z
    .boolean()
    .default(false)
    .describe('Search the highest load that meets --slo: -c (closed loop) or, with --rate, the rate doubles from its value, then bisects'),
  capacityPrecision: share('the capacity precision')
    .default(0.1)
    .describe('--find-capacity stops when the interval between the last good and first bad load is within this share of the good one (10% or 0.1)'),
  capacityStages: z
    .number()
    .int()
    .min(2)
    .max(100)
    .default(16)
    .describe('--find-capacity runs at most this many stages (each bounded by --max-requests, default 50, or --duration)'),
};

interface SloSettings {
  slo?: string | undefined;
  findCapacity: boolean;
  stream: boolean;
  concurrency: number[];
  rate?: number[] | undefined;
  maxRequests?: number | undefined;
  duration?: number | undefined;
  shard?: string | undefined;
  shards?: number | undefined;
  sessions?: string | undefined;
}

/** The checks across keys; a capacity search without its own bound gets the default requests per stage. */
export function checkSloSettings<Config extends SloSettings>(config: Config): Config {
  if (config.findCapacity && config.slo === undefined) {
    throw configError('--find-capacity needs --slo, the objective the load must meet (e.g. --slo ttft<800ms,latency<5s,error_rate<1%)');
  }
  if (config.slo !== undefined && !config.stream) {
    // Without streaming there is no first token, so these are never measured and a bound on them could never fail.
    const streamed = sloOf(config.slo).requestBounds.find((bound) => bound.metric === 'ttft' || bound.metric === 'ttft_sched' || bound.metric === 'tpot');
    if (streamed !== undefined) throw configError(`--slo: ${streamed.metric} needs a streaming run (drop --no-stream, or bound latency instead)`);
  }
  if (!config.findCapacity) return config;
  if (config.rate !== undefined && config.rate.length > 1) throw configError('--find-capacity: --rate is where the search starts and takes one value');
  if (config.rate === undefined && config.concurrency.length > 1)
    throw configError('--find-capacity: -c/--concurrency is where the search starts and takes one value');
  // The search sets the load of each stage itself (a --trace is refused with it where traces are checked).
  if (config.sessions !== undefined) throw configError('--find-capacity searches requests, not --sessions conversations; run the sessions at fixed -c values');
  if (config.shard !== undefined || config.shards !== undefined) throw configError('--find-capacity cannot be sharded: each stage depends on the one before');
  if (config.maxRequests === undefined && config.duration === undefined) return { ...config, maxRequests: DEFAULT_CAPACITY_STAGE_REQUESTS };
  return config;
}
