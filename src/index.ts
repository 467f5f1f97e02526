/**
 * qfbench as a library: the same runs, simulator, comparisons and estimates as the CLI, with
 * typed inputs and results and no process-wide side effects (no signal handlers, no exit codes
 * set, nothing printed unless a logger is given).
 *
 * ```ts
 * import { runBenchmark, startSimulator } from 'qfbench';
 * const sim = await startSimulator({ rpm: 120 });
 * const { summary, outDir } = await runBenchmark(
 *   { datasets: ['prompts.csv'], models: ['ernie-speed-8k'], baseUrl: sim.url },
 *   { env: { QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk } },
 * );
 * await sim.close();
 * ```
 */
import { exitCodeForRun } from './exit-codes.js';
import { parseSimOptionFlags } from './cli/sim-flags.js';
import { writeSummaryMarkdown } from './run/summary-markdown.js';
import { parseRunConfig, RunConfigSchema, settingSuggestion, type RunConfig, type RunConfigInput } from './config/run-config.js';
import { configError } from './errors.js';
import type { RunEstimate, TokenizerMode } from './cost/estimate-types.js';
import type { Outcome, RunSummary } from './metrics/types.js';
import type { RunVerdict } from './eval/verdict.js';
import type { ResumeState } from './run/resume.js';
import type { SimOptions } from './sim/options.js';
import type { Logger } from './util/logger.js';

export { startSimulator, type RunningSimulator, type SimOptions, type SimStats } from './sim/index.js';
export { compareRuns, type ComparedRun, type ComparisonResult, type CompareOptions } from './compare/index.js';
export { compareRunFolders, readComparedRun } from './report/compare/read-run.js';
export { loadDataset, type ChatMessage, type DatasetRow } from './dataset/index.js';
export { readSummaryJson } from './report/summary-json.js';
export { UserError } from './errors.js';
export type { CellSummary, Outcome, RequestRecord, RunSummary } from './metrics/types.js';
export type { RunConfig, RunConfigInput } from './config/run-config.js';
export type { RunEstimate } from './cost/estimate-types.js';
export type { RunVerdict } from './eval/verdict.js';

/** Where a run stands, after each request's final outcome. */
export interface BenchmarkProgress {
  /** Requests of the current stage with a final outcome. */
  done: number;
  /** Requests planned for the current stage; undefined when a duration bounds it. */
  planned: number | undefined;
  /** The outcome that was just recorded. */
  outcome: Outcome;
  /** The stage's label when the run has several load stages. */
  stage: string | undefined;
}

export interface BenchmarkOptions {
  /** Aborting it stops sending and cuts requests in flight; every planned request still gets its row and the files are written. */
  signal?: AbortSignal;
  onProgress?: (progress: BenchmarkProgress) => void;
  /** Simulator options when `config.sim` is true. */
  simOptions?: SimOptions;
  /** Warnings and notes; silent by default. */
  logger?: Logger;
  /** Where credentials are read from (QIANFAN_AK, …); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface BenchmarkResult {
  summary: RunSummary;
  outDir: string;
  /** What assertions, thresholds, a baseline and budgets concluded. */
  verdict: RunVerdict;
  interrupted: boolean;
  /** The exit code the CLI would give this run (0, 3 a failed check, 4 nothing succeeded or aborted, 130 interrupted). */
  exitCode: number;
}

const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A key the schema does not know is a typo to report, as in a config file, not a setting to drop. */
function parseConfig(config: RunConfigInput | RunConfig): RunConfig {
  const known = Object.keys(RunConfigSchema.shape);
  const unknown = Object.keys(config).find((key) => !known.includes(key));
  if (unknown !== undefined) throw configError(`unknown setting ${JSON.stringify(unknown)}${settingSuggestion(unknown)}`);
  return parseRunConfig(config);
}

/**
 * Runs a benchmark: the same keys as a config file (schema/qfbench.schema.json), validated the
 * same way (a bad value throws a UserError naming the key and the limit, before any request).
 */
export async function runBenchmark(config: RunConfigInput | RunConfig, options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  return runParsed(parseConfig(config), undefined, options);
}

export interface ResumeOptions extends BenchmarkOptions {
  /** Re-send failed, timeout and throttled requests too (`--resume-failed`). */
  failed?: boolean;
  /** Settings that do not shape the plan (concurrency, rpm, timeouts, …) to change for this session; a plan-shaping one throws. */
  settings?: Partial<RunConfigInput>;
}

/**
 * Continues the run in `dir` (`qfbench run --resume DIR`): sends the planned requests that have no
 * final outcome there, then writes the summaries over all rows. Throws a UserError when the plan
 * would differ (a dataset, the catalog or a plan-shaping setting changed).
 */
export async function resumeBenchmark(dir: string, options: ResumeOptions = {}): Promise<BenchmarkResult> {
  const { resumedConfig } = await import('./run/resume.js');
  const { config, state } = await resumedConfig({ dir, failed: options.failed === true }, options.settings ?? {});
  return runParsed(config, state, options);
}

/**
 * Merges the shards of one plan into `outDir` (`qfbench merge`), proving each slice is there once,
 * and runs the checks given on the whole; `exitCode` is the one the CLI would give.
 */
export async function mergeShards(
  dirs: readonly string[],
  outDir: string,
  options: { force?: boolean; thresholds?: string[]; baseline?: string; tolerance?: number; junit?: string; logger?: Logger } = {},
): Promise<{ summary: RunSummary; verdict: RunVerdict; exitCode: number; missingRequests: number }> {
  const { mergeAndCheck } = await import('./run/merge-checks.js');
  const { logger, ...checks } = options;
  const result = await mergeAndCheck(dirs, outDir, { force: false, thresholds: [], ...checks }, logger ?? SILENT);
  return {
    summary: result.summary,
    verdict: result.verdict,
    exitCode: exitCodeForRun(result.verdict, result.missingRequests > 0),
    missingRequests: result.missingRequests,
  };
}

async function runParsed(parsed: RunConfig, resume: ResumeState | undefined, options: BenchmarkOptions): Promise<BenchmarkResult> {
  const simOptions = { ...parseSimOptionFlags(parsed.simOpt), ...options.simOptions };
  const { runBenchmark: run } = await import('./run/run-benchmark.js');
  let done = 0;
  let planned: number | undefined;
  let stage: string | undefined;
  const result = await run({
    config: parsed,
    logger: options.logger ?? SILENT,
    simOptions,
    ...(options.signal !== undefined ? { stopSignal: options.signal, abortSignal: options.signal } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(resume !== undefined ? { resume } : {}),
    onPlanned: (info) => {
      done = 0;
      planned = info.requests;
      stage = info.stage;
    },
    onFinished: (outcome) => {
      done++;
      options.onProgress?.({ done, planned, outcome, stage });
    },
  });
  if (parsed.summaryMd !== undefined) await writeSummaryMarkdown(parsed.summaryMd, result.summary, result.verdict, options.logger ?? SILENT);
  return {
    summary: result.summary,
    outDir: result.outDir,
    verdict: result.verdict,
    interrupted: result.interrupted,
    exitCode: exitCodeForRun(result.verdict, result.interrupted),
  };
}

export interface EstimateOptions {
  /** 'server' asks the tokenizer endpoint for prompt tokens; default 'local' (offline). */
  tokenizer?: TokenizerMode;
  /** An earlier run's folder: its answer lengths and learnt limits inform the estimate. */
  from?: string;
  /** Seconds the run must finish in: the estimate then says the quota that needs. */
  deadlineSeconds?: number;
  runsPerDay?: number;
  simOptions?: SimOptions;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/** Requests, tokens, cost (low / expected / high) and the time a quota needs, without sending a generation request. */
export async function estimateRun(config: RunConfigInput | RunConfig, options: EstimateOptions = {}): Promise<RunEstimate> {
  const { estimateFromConfig } = await import('./run/estimate-command.js');
  const parsed = parseConfig(config);
  return estimateFromConfig({
    config: parsed,
    logger: options.logger ?? SILENT,
    tokenizer: options.tokenizer ?? 'local',
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.deadlineSeconds !== undefined ? { deadlineSeconds: options.deadlineSeconds } : {}),
    ...(options.runsPerDay !== undefined ? { runsPerDay: options.runsPerDay } : {}),
    simOptions: { ...parseSimOptionFlags(parsed.simOpt), ...options.simOptions },
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
}
