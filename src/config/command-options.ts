/**
 * The options of the commands other than `run`, one zod schema each, help texts included: the
 * command line maps every key to a flag (src/cli/flag-table.ts), so the TypeScript type, the
 * defaults, the checks and `--help` come from one place, as for the run configuration.
 */
import { z } from 'zod';
import { RunConfigSchema } from './run-config.js';
import { ToleranceSchema } from './run-config.js';

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** `--config FILE` of `run` and `estimate` (the file's keys are the run configuration's). */
export const ConfigFlagSchema = z.object({
  config: z.string().min(1).optional().describe('YAML or JSON file of settings (the keys of schema/qfbench.schema.json); flags override it'),
});

/** `qfbench run --resume DIR`: continue a run in its folder instead of starting one. */
export const ResumeFlagsSchema = z.object({
  resume: z
    .string()
    .min(1)
    .optional()
    .describe('Continue the stopped run in DIR: send the planned requests that have no final outcome, then rewrite its summaries'),
  resumeFailed: z.boolean().default(false).describe('With --resume: re-send failed, timeout and throttled requests too'),
});
export type ResumeFlags = z.output<typeof ResumeFlagsSchema>;

/** `qfbench estimate`: these come on top of every run setting. */
export const EstimateOptionsSchema = z.object({
  tokenizer: z
    .enum(['local', 'server'])
    .default('local')
    .describe('Input tokens: offline estimate, or the tokenizer endpoint (one call per distinct text; --sim asks the simulator)'),
  from: z
    .string()
    .min(1)
    .optional()
    .describe("An earlier run's folder: its mean and shortest answer per cell give expected and low output, its limiter the quota"),
  deadline: z.string().min(1).optional().describe('Print the requests and tokens per quota window needed to finish within this time (10m, 90s, 1h)'),
  runsPerDay: z
    .number({ error: 'expected a positive number of runs a day' })
    .positive('expected a positive number of runs a day')
    .optional()
    .describe('CI budget: print the cost per run, per day and per 30 days at this many runs a day'),
  json: z.boolean().default(false).describe('Print one JSON object (per model and total: requests, inputTokens, outputTokens, costCny, quota)'),
});
export type EstimateOptions = z.output<typeof EstimateOptionsSchema>;

export const CompareOptionsSchema = z.object({
  // An empty --out or --summary-md is taken as not given, as a shell variable left empty would be.
  out: z.string().optional().describe('Output folder (default reports/compare-<timestamp>)'),
  summaryMd: z.string().optional().describe('Also write the Markdown table to FILE (GITHUB_STEP_SUMMARY, when set, always gets it appended)'),
  tolerance: ToleranceSchema.default(0.05).describe('Smallest relative change called a regression or improvement (5% or 0.05)'),
  resamples: z
    .number()
    .int()
    .min(100, 'at least 100 resamples (fewer give no usable interval)')
    .max(1_000_000)
    .default(2000)
    .describe('Bootstrap resamples (100 or more)'),
  seed: seed.default(1).describe('Seed of the sampling and the bootstrap'),
  quiet: z.boolean().default(false).describe('Print only the Markdown table'),
  failOnRegression: z.boolean().default(false).describe('Exit 3 when any metric of a matched cell regressed (the files are written first)'),
});
export type CompareOptions = z.output<typeof CompareOptionsSchema>;

export const MergeOptionsSchema = z.object({
  out: z.string({ error: 'give the folder for the merged run with --out DIR' }).min(1).describe('Folder for the merged run'),
  quiet: z.boolean().default(false).describe('Print nothing on success'),
  force: z.boolean().default(false).describe('Merge runs of different plans (or a slice twice) anyway; every output says it was forced'),
  thresholds: RunConfigSchema.shape.thresholds,
  baseline: RunConfigSchema.shape.baseline,
  tolerance: RunConfigSchema.shape.tolerance,
  junit: RunConfigSchema.shape.junit,
});
export type MergeOptions = z.output<typeof MergeOptionsSchema>;

// The simulator checks the port and the seed itself, with messages of its own (src/sim/options.ts).
export const SimCommandOptionsSchema = z.object({
  port: z.number().default(8866).describe('Port (0 picks a free one)'),
  simOpt: z.array(z.string()).default([]).describe('Simulator option key=value (firstChunkMs, msPerOutputToken, rpm, tpm, faults, …); repeatable'),
  seed: z.number().default(1).describe('Seed of the simulated answers, latencies and faults'),
});
export type SimCommandOptions = z.output<typeof SimCommandOptionsSchema>;

export const ReportOptionsSchema = z.object({
  excel: z.boolean().default(false).describe('Write summary.csv with a UTF-8 BOM for Excel'),
  quiet: z.boolean().default(false).describe('Print nothing on success'),
});
export type ReportOptions = z.output<typeof ReportOptionsSchema>;

export const ModelsOptionsSchema = z.object({
  json: z.boolean().default(false).describe('Print JSON'),
  catalog: z.string().min(1).optional().describe('JSON file of extra or overriding model entries'),
});
export type ModelsOptions = z.output<typeof ModelsOptionsSchema>;

/** A DNS label (RFC 1123), as Kubernetes names objects; short enough for `NAME-shards` to stay one. */
const kubeName = z
  .string()
  .max(50, 'at most 50 characters (the Jobs are named NAME-shards and NAME-merge)')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lowercase letters, digits and -, starting and ending with a letter or digit');

/** `qfbench k8s`: these come on top of the run flags, which the shards run with. */
export const K8sOptionsSchema = z.object({
  shards: z
    .number({ error: 'expected a whole number of shards' })
    .int('expected a whole number of shards')
    .min(1, 'at least 1 shard')
    .max(1000, 'at most 1000 shards')
    .describe('Pods of the Indexed Job; pod I runs slice I of N of the plan'),
  image: z.string().min(1).optional().describe('Container image with qfbench (built from the Dockerfile)'),
  name: kubeName.default('qfbench').describe('Name of the Jobs, ConfigMap and claim, and of the folder /out/NAME on the volume'),
  namespace: kubeName.optional().describe('Namespace of every object (default: that of the kubectl context)'),
  secret: kubeName.default('qfbench-credentials').describe('Secret whose keys QIANFAN_AK, QIANFAN_SK, … become the credential variables'),
  claim: kubeName.optional().describe('Existing ReadWriteMany PersistentVolumeClaim for the outputs (default: the manifest creates NAME-out)'),
  storage: z
    .string()
    .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'expected a size such as 1Gi or 500Mi')
    .default('1Gi')
    .describe('Size of the output claim the manifest creates'),
  storageClass: z.string().min(1).optional().describe('Storage class of that claim (it must offer ReadWriteMany)'),
  mergeWait: z
    .number({ error: 'expected seconds' })
    .int('expected whole seconds')
    .min(60, 'at least 60 seconds')
    .max(30 * 86_400)
    .default(86_400)
    .describe('Seconds the merge Job waits for the summary.json of every shard before it gives up'),
});
export type K8sOptions = z.output<typeof K8sOptionsSchema>;
