/**
 * One benchmark run, end to end: datasets -> plan -> scheduler -> provider -> metrics -> files.
 * The CLI's `run` command is a thin wrapper; library users call this directly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { DEFAULT_RETRY_POLICY } from '../load/retry.js';
import { runPlan } from '../load/runner.js';
import { CellRecorder } from '../metrics/cell-recorder.js';
import { METRICS_DEFINITION_VERSION, type CellLoad, type CellSummary, type LoadSettings, type Outcome, type RequestRecord, type RunSummary, type StageSummary } from '../metrics/types.js';
import { buildPlan } from '../plan/plan.js';
import { DEFAULT_LIMITER_CONFIG, type AdaptiveLimiter } from '../load/limiter.js';
import type { LoadModel } from '../load/runner.js';
import { StageTracker } from '../metrics/stage-tracker.js';
import { createAgent, type HttpTimeouts } from '../providers/http.js';
import { buildExtensions } from './build-extensions.js';
import { stopReasonOf, verdictOf, type RunExtension, type RunVerdict } from './extensions.js';
import { prepareRun } from './prepare-run.js';
import { checkCredentials, createRunProvider } from './create-provider.js';
import { AuthFailureTally } from '../providers/qianfan/auth.js';
import { formatSummaryTable } from '../report/console-table.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReportWithCharts } from '../report/html.js';
import { openRequestsCsv } from '../report/requests-csv.js';
import { writeSummaryCsv } from '../report/summary-csv.js';
import { writeSummaryJson } from '../report/summary-json.js';
import { startSimulator, type RunningSimulator } from '../sim/index.js';
import type { SimOptions } from '../sim/options.js';
import { now, wallClockAt } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { TOOL_VERSION } from '../version.js';

export interface RunBenchmarkOptions {
  config: RunConfig;
  logger: Logger;
  simOptions?: SimOptions;
  /** Stop dispatching (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Cut requests in flight too (grace over, or second Ctrl-C). */
  abortSignal?: AbortSignal;
  /** Progress callbacks (the CLI draws a bar). */
  onStart?: () => void;
  onFinished?: (outcome: Outcome) => void;
  /**
   * Called before each stage's first request: its planned size (undefined when --duration bounds
   * it), and the stage's limiters for a live view.
   */
  onPlanned?: (info: { requests: number | undefined; cells: number; simulated: boolean; stage: string | undefined; limiters: ReadonlyMap<string, AdaptiveLimiter> }) => void;
  onStageEnd?: () => void;
  /** Features riding along the run (assertions, cost and budgets, recording). */
  extensions?: RunExtension[];
  env?: NodeJS.ProcessEnv;
}

export interface RunBenchmarkResult {
  outDir: string;
  summary: RunSummary;
  interrupted: boolean;
  consoleTable: string;
  /** What assertions, thresholds, baselines and budgets concluded. */
  verdict: RunVerdict;
}

export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunBenchmarkResult> {
  const { logger } = options;
  // The output folder is settled first, so extensions (a baseline comparison) know it too.
  const config: RunConfig = { ...options.config, out: options.config.out ?? join('reports', timestampLabel(new Date())) };
  const env = options.env ?? process.env;
  const prepared = await prepareRun(config, logger);
  const extensions = [...(await buildExtensions(config, prepared, logger)), ...(options.extensions ?? [])];

  // Everything that can be wrong with the input was found above, before anything is sent.
  const { catalog, targets, grid, rows, datasets } = prepared;
  const stages = planStages(config);
  // QIANFAN_AK+SK (OAuth) > QIANFAN_ACCESS_KEY+SECRET_KEY (IAM signing) > QIANFAN_ACCESS_TOKEN.
  const auth = checkCredentials(config, env);
  // IAM has no preflight: a wrong key pair shows only as every answered request failing with 14.
  const authFailures = new AuthFailureTally();

  const outDir = config.out as string;
  await mkdir(outDir, { recursive: true });

  let simulator: RunningSimulator | undefined;
  const timeouts: HttpTimeouts = {
    connectMs: config.connectTimeout * 1000,
    firstByteMs: config.firstByteTimeout * 1000,
    idleMs: config.idleTimeout * 1000,
    totalMs: config.totalTimeout * 1000,
  };
  const agent = createAgent({ connections: Math.max(...config.concurrency), timeouts });
  const requestsCsv = openRequestsCsv(join(outDir, 'requests.csv'), { excelBom: config.excel });
  try {
    if (config.sim) simulator = await startSimulator({ seed: config.seed, catalog, ...options.simOptions });
    const { provider, name: providerName, baseUrl, authHint } = createRunProvider({ config, env, auth, simulator, dispatcher: agent, timeouts, catalog });
    await provider.preflight();

    // The HTML report lists requests; keep a bounded sample so memory does not grow with the run.
    const reportRows: RequestRecord[] = [];
    const cellSummaries: CellSummary[] = [];
    const stageSummaries: StageSummary[] = [];
    const startedAtWall = new Date();
    const startedAt = now();
    let interrupted = false;
    let seqOffset = 0;
    for (const [stageIndex, stage] of stages.entries()) {
      if (options.stopSignal?.aborted) break;
      const plan = buildPlan({
        targets, grid, rows, repeat: config.repeat, seed: config.seed, api: config.api, stream: config.stream,
        ...(stages.length > 1 ? { stage: { cellIdOffset: stageIndex * targets.length * expandGrid(grid).length, label: stageLabel(stage.load) } } : {}),
      });
      const recorders = new Map(
        plan.cells.map((cell) => [cell.id, new CellRecorder({ id: cell.id, label: cell.label, model: cell.model, endpoint: cell.endpoint, params: cell.params, load: stage.load })]),
      );
      const tracker = new StageTracker(stage.load, stage.model.kind === 'open');
      const limiters = new Map<string, AdaptiveLimiter>();
      const expected = config.maxRequests ?? (config.duration !== undefined ? undefined : plan.size);
      options.onPlanned?.({ requests: expected, cells: plan.cells.length, simulated: simulator !== undefined, stage: stages.length > 1 ? stageLabel(stage.load) : undefined, limiters });
      const result = await runPlan({
        plan,
        provider,
        concurrency: stage.concurrency,
        load: stage.model,
        retry: { ...DEFAULT_RETRY_POLICY, retries: config.retries },
        seed: config.seed,
        limiters,
        ...(config.adapt ? { adapt: { windowMs: config.quotaWindow * 1000, headroom: DEFAULT_LIMITER_CONFIG.headroom, ...(config.rpm !== undefined ? { rpm: config.rpm } : {}), ...(config.tpm !== undefined ? { tpm: config.tpm } : {}) } } : {}),
        ...(config.duration !== undefined ? { durationMs: config.duration * 1000 } : {}),
        ...(config.maxRequests !== undefined ? { maxRequests: config.maxRequests } : {}),
        gate: () => stopReasonOf(extensions),
        stopSignal: options.stopSignal,
        abortSignal: options.abortSignal,
        onStart: options.onStart,
        onFinished: async (finished) => {
          // Sequence numbers run across stages, so requests.csv has one key per request.
          finished.record.seq += seqOffset;
          for (const extension of extensions) extension.onRequest?.(finished);
          requestsCsv.write(finished.record);
          authFailures.record(finished.record);
          tracker.record(finished);
          recorders.get(finished.record.cellId)?.record(finished.record, finished, finished.interChunkMs);
          if (reportRows.length < HTML_REQUEST_ROW_LIMIT) reportRows.push(finished.record);
          options.onFinished?.(finished.record.outcome);
          await requestsCsv.ready();
        },
      });
      seqOffset += result.planned;
      interrupted ||= result.interrupted;
      cellSummaries.push(...plan.cells.map((cell) => (recorders.get(cell.id) as CellRecorder).summary()));
      stageSummaries.push(tracker.summary({ limiters: limiterSummaries(limiters) }));
      options.onStageEnd?.();
    }
    const endedAt = now();

    const summary: RunSummary = {
      schemaVersion: 1,
      tool: { name: 'qfbench', version: TOOL_VERSION },
      run: {
        startedAt: startedAtWall.toISOString(),
        endedAt: wallClockAt(endedAt).toISOString(),
        durationMs: Math.round((endedAt - startedAt) * 1000) / 1000,
        simulated: simulator !== undefined,
        provider: providerName,
        baseUrl: publicUrl(baseUrl),
        datasets,
        models: targets.map((target) => target.model),
        paramGrid: grid,
        repeat: config.repeat,
        concurrency: Math.max(...config.concurrency),
        stream: config.stream,
        seed: config.seed,
        interrupted,
        metricsDefinitionVersion: METRICS_DEFINITION_VERSION,
      },
      load: loadSettings(config),
      stages: stageSummaries,
      cells: cellSummaries,
    };
    for (const extension of extensions) await extension.decorateSummary?.(summary);
    await requestsCsv.close();
    await writeSummaryJson(join(outDir, 'summary.json'), summary);
    await writeSummaryCsv(join(outDir, 'summary.csv'), summary, { excelBom: config.excel });
    reportRows.sort((a, b) => a.seq - b.seq);
    await writeFile(join(outDir, 'report.html'), await renderHtmlReportWithCharts(summary, { requests: reportRows }));
    // Only now that every file is written: a run the server refused throughout is an auth failure.
    const refused = authFailures.failure(`${authHint} (results written to ${outDir})`);
    if (refused !== undefined) throw refused;
    return { outDir, summary, interrupted, consoleTable: formatSummaryTable(summary, { color: false }), verdict: await verdictOf(extensions, summary) };
  } finally {
    await requestsCsv.close().catch(() => undefined);
    await agent.close().catch(() => undefined);
    await simulator?.close();
  }
}

interface Stage {
  load: CellLoad;
  model: LoadModel;
  concurrency: number;
}

/** One stage per swept value: `-c 1,4,16` (closed loop) or `--rate 1,2,4` (open loop, -c caps). */
function planStages(config: RunConfig): Stage[] {
  if (config.rate !== undefined) {
    const cap = config.concurrency[0] as number;
    return config.rate.map((rate) => ({ load: { kind: 'rate', value: rate }, model: { kind: 'open', rate, arrival: config.arrival }, concurrency: cap }));
  }
  return config.concurrency.map((concurrency) => ({ load: { kind: 'concurrency', value: concurrency }, model: { kind: 'closed' }, concurrency }));
}

function stageLabel(load: CellLoad): string {
  return load.kind === 'rate' ? `@${load.value}/s` : `@c=${load.value}`;
}

function loadSettings(config: RunConfig): LoadSettings {
  const settings: LoadSettings = { kind: config.rate !== undefined ? 'open' : 'closed', concurrency: config.concurrency, adapt: config.adapt, retries: config.retries };
  if (config.rate !== undefined) {
    settings.rate = config.rate;
    settings.arrival = config.arrival;
  }
  if (config.duration !== undefined) settings.durationS = config.duration;
  if (config.maxRequests !== undefined) settings.maxRequests = config.maxRequests;
  if (config.rpm !== undefined) settings.rpm = config.rpm;
  if (config.tpm !== undefined) settings.tpm = config.tpm;
  return settings;
}

function limiterSummaries(limiters: ReadonlyMap<string, AdaptiveLimiter>): StageSummary['limiters'] | undefined {
  if (limiters.size === 0) return undefined;
  const result: NonNullable<StageSummary['limiters']> = {};
  for (const [key, limiter] of limiters) {
    const snapshot = limiter.snapshot();
    result[key] = { throttled: snapshot.throttled, concurrency: snapshot.concurrency };
    if (snapshot.requestBudget !== undefined) result[key].requestBudget = Math.round(snapshot.requestBudget * 1000) / 1000;
    if (snapshot.tokenBudget !== undefined) result[key].tokenBudget = Math.round(snapshot.tokenBudget);
  }
  return result;
}



/** The base URL as it may appear in reports: no user info, no query. */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

function timestampLabel(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replaceAll(':', '-');
}
