/**
 * Every run configuration key mapped to its flag: how it is spelled and parsed on the command line.
 * What it means, its default and its checks are the schema's (src/config/run-config.ts). Typed
 * against RunConfig, so a key added to the schema without a flag here does not compile.
 */
import type { Options } from 'yargs';
import { ConfigFlagSchema, type ResumeFlags } from '../config/command-options.js';
import { RunConfigSchema, parseRunConfig, type RunConfig } from '../config/run-config.js';
import { flagNamesOf, flagValuesOf, yargsOptionsOf, type FlagTable } from './flag-table.js';

export const RUN_FLAGS: FlagTable<keyof RunConfig> = {
  datasets: { alias: ['d', 'dataset'], type: 'string', array: true, group: 'Input:' },
  sessions: { type: 'string', group: 'Input:' },
  thinkTime: { type: 'string', group: 'Input:' },
  sessionOverflow: { type: 'string', group: 'Input:' },
  models: { alias: ['m', 'model'], type: 'string', array: true, group: 'Input:' },
  endpoints: { alias: ['endpoint'], type: 'string', array: true, group: 'Input:' },
  params: { alias: ['p', 'param'], type: 'string', array: true, group: 'Input:' },
  allowUnknownParams: { type: 'boolean', group: 'Input:' },
  api: { type: 'string', group: 'Input:' },
  catalog: { type: 'string', group: 'Input:' },
  baseModel: { type: 'string', group: 'Input:' },
  stream: { type: 'boolean', group: 'Load:' },
  concurrency: { alias: ['c'], type: 'string', group: 'Load:' },
  rate: { type: 'string', group: 'Load:' },
  arrival: { type: 'string', group: 'Load:' },
  trace: { type: 'string', group: 'Load:' },
  traceSpeed: { type: 'number', group: 'Load:' },
  traceLimit: { type: 'number', group: 'Load:' },
  duration: { type: 'number', group: 'Load:' },
  maxRequests: { type: 'number', group: 'Load:' },
  adapt: { type: 'boolean', group: 'Quota:' },
  rpm: { type: 'number', group: 'Quota:' },
  tpm: { type: 'number', group: 'Quota:' },
  quotaWindow: { type: 'number', group: 'Quota:' },
  repeat: { type: 'number', group: 'Load:' },
  retries: { type: 'number', group: 'Load:' },
  seed: { type: 'number', group: 'Load:' },
  connectTimeout: { type: 'number', group: 'Timeouts:' },
  firstByteTimeout: { type: 'number', group: 'Timeouts:' },
  idleTimeout: { type: 'number', group: 'Timeouts:' },
  totalTimeout: { type: 'number', group: 'Timeouts:' },
  maxResponseBytes: { type: 'number', group: 'Timeouts:' },
  grace: { type: 'number', group: 'Load:' },
  provider: { type: 'string', group: 'Target:' },
  apiKey: { type: 'string', group: 'Target:' },
  appId: { type: 'string', group: 'Target:' },
  baseUrl: { type: 'string', group: 'Target:' },
  sim: { type: 'boolean', group: 'Target:' },
  simOpt: { type: 'string', array: true, group: 'Target:' },
  shard: { type: 'string', group: 'Load:' },
  shards: { type: 'number', group: 'Load:' },
  out: { alias: ['o'], type: 'string', group: 'Output:' },
  force: { type: 'boolean', group: 'Output:' },
  excel: { type: 'boolean', group: 'Output:' },
  quiet: { alias: ['q'], type: 'boolean', group: 'Output:' },
  json: { type: 'boolean', group: 'Output:' },
  prices: { type: 'string', group: 'Cost:' },
  priceDate: { type: 'string', group: 'Cost:' },
  maxCost: { type: 'number', group: 'Cost:' },
  maxTokens: { type: 'number', group: 'Cost:' },
  estimateCheck: { type: 'boolean', group: 'Cost:' },
  thresholds: { alias: ['threshold'], type: 'string', array: true, group: 'Checks:' },
  slo: { type: 'string', group: 'SLO and capacity:' },
  sloAttainment: { type: 'string', group: 'SLO and capacity:', defaultText: '95%' },
  findCapacity: { type: 'boolean', group: 'SLO and capacity:' },
  capacityPrecision: { type: 'string', group: 'SLO and capacity:', defaultText: '10%' },
  capacityStages: { type: 'number', group: 'SLO and capacity:' },
  baseline: { type: 'string', group: 'Checks:' },
  tolerance: { type: 'string', group: 'Checks:', defaultText: '5%' },
  jsTimeout: { type: 'number', group: 'Checks:' },
  record: { type: 'string', group: 'Record/replay:' },
  replay: { type: 'string', group: 'Record/replay:' },
  junit: { type: 'string', group: 'Output:' },
  summaryMd: { type: 'string', group: 'Output:' },
};

/** `--config FILE`, beside the run flags of `run` and `estimate`. */
const CONFIG_FLAG: FlagTable<'config'> = { config: { type: 'string', group: 'Input:' } };

/** `--resume DIR` and `--resume-failed`, of `run` only. */
export const RESUME_FLAGS: FlagTable<keyof ResumeFlags> = {
  resume: { type: 'string', group: 'Output:' },
  resumeFailed: { type: 'boolean', group: 'Output:' },
};

/** RUN_FLAGS under their command-line names, with the one-letter aliases kept, and --config (for `--help`). */
export function runFlagOptions(): Record<string, Options> {
  return { ...yargsOptionsOf(RunConfigSchema, RUN_FLAGS), ...yargsOptionsOf(ConfigFlagSchema, CONFIG_FLAG) };
}

/** The run configuration keys given as flags. */
export function flagsFromArgv(argv: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return flagValuesOf(RUN_FLAGS, argv);
}

export const RUN_FLAG_NAMES: readonly string[] = [...flagNamesOf(RUN_FLAGS), ...flagNamesOf(CONFIG_FLAG)];

/** The run configuration from the flags and, with --config, the file under them (YAML is loaded only then). */
export async function runConfigFromArgv(argv: Readonly<Record<string, unknown>>): Promise<RunConfig> {
  const flags = flagsFromArgv(argv);
  const configFile = typeof argv['config'] === 'string' ? argv['config'] : undefined;
  if (configFile !== undefined) return (await import('../config/config-file.js')).runConfigWithFile(configFile, flags);
  return parseRunConfig(flags);
}
