/**
 * One benchmark run, end to end: datasets -> plan -> scheduler -> provider -> metrics -> files.
 * The CLI's `run` command is a thin wrapper; library users call this directly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseParamFlags } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { loadDataset } from '../dataset/load.js';
import type { DatasetRow } from '../dataset/types.js';
import { configError } from '../errors.js';
import { DEFAULT_RETRY_POLICY } from '../load/retry.js';
import { runPlan } from '../load/runner.js';
import { CellRecorder } from '../metrics/cell-recorder.js';
import { METRICS_DEFINITION_VERSION, type DatasetInfo, type Outcome, type RequestRecord, type RunSummary } from '../metrics/types.js';
import { buildPlan, type ModelTarget } from '../plan/plan.js';
import { createAgent, type HttpTimeouts } from '../providers/http.js';
import { BUILT_IN_CATALOG, findModel, mergeCatalogs, similarModelNames, type Catalog, type ModelEntry } from '../providers/qianfan/catalog.js';
import { loadCatalogFile } from '../providers/qianfan/catalog-file.js';
import { checkRequestsBeforeSending } from './check-requests.js';
import { DEFAULT_V1_BASE_URL, qianfanAuthFromEnv } from '../providers/qianfan/credentials.js';
import { createQianfanProvider, type QianfanAuth } from '../providers/qianfan/provider.js';
import { formatSummaryTable } from '../report/console-table.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReport } from '../report/html.js';
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
  /** Called once the plan is known and before the first request. */
  onPlanned?: (info: { requests: number; cells: number; simulated: boolean }) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunBenchmarkResult {
  outDir: string;
  summary: RunSummary;
  interrupted: boolean;
  consoleTable: string;
}

export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunBenchmarkResult> {
  const { config, logger } = options;
  const env = options.env ?? process.env;

  // Everything that can be wrong with the input is found before anything is sent.
  const catalog = config.catalog !== undefined ? mergeCatalogs(BUILT_IN_CATALOG, await loadCatalogFile(config.catalog)) : BUILT_IN_CATALOG;
  const targets = resolveTargets(config, catalog);
  const grid = parseParamFlags(config.params);
  const datasets: DatasetInfo[] = [];
  const rows: DatasetRow[] = [];
  for (const file of config.datasets) {
    const loaded = await loadDataset(file);
    if (loaded.length === 0) throw configError(`${file}: the dataset has no rows`);
    datasets.push({ file, rows: loaded.length });
    rows.push(...loaded);
  }
  checkRequestsBeforeSending({
    targets,
    customEndpoints: new Set(config.endpoints),
    ...(config.baseModel !== undefined ? { baseModel: resolveBaseModel(config.baseModel, config, catalog) } : {}),
    catalog,
    grid,
    rows,
    logger,
  });
  const plan = buildPlan({ targets, grid, rows, repeat: config.repeat, seed: config.seed, api: config.api, stream: config.stream });
  const auth: QianfanAuth | undefined = config.sim ? undefined : qianfanAuthFromEnv(env);

  const outDir = config.out ?? join('reports', timestampLabel(new Date()));
  await mkdir(outDir, { recursive: true });

  let simulator: RunningSimulator | undefined;
  const timeouts: HttpTimeouts = {
    connectMs: config.connectTimeout * 1000,
    firstByteMs: config.firstByteTimeout * 1000,
    idleMs: config.idleTimeout * 1000,
    totalMs: config.totalTimeout * 1000,
  };
  const agent = createAgent({ connections: config.concurrency, timeouts });
  const requestsCsv = openRequestsCsv(join(outDir, 'requests.csv'), { excelBom: config.excel });
  try {
    if (config.sim) simulator = await startSimulator({ seed: config.seed, catalog, ...options.simOptions });
    const baseUrl = simulator?.url ?? config.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL;
    const provider = createQianfanProvider({
      baseUrl,
      auth: simulator !== undefined ? { kind: 'oauth', credentials: simulator.credentials } : (auth as QianfanAuth),
      dispatcher: agent,
      timeouts,
      refreshOnExpiredToken: config.retries > 0,
    });
    await provider.preflight();

    const recorders = new Map(
      plan.cells.map((cell) => [
        cell.id,
        new CellRecorder({
          id: cell.id,
          label: cell.label,
          model: cell.model,
          endpoint: cell.endpoint,
          params: cell.params,
          planned: plan.requestsPerCell,
        }),
      ]),
    );
    // The HTML report lists requests; keep a bounded sample so memory does not grow with the run.
    const reportRows: RequestRecord[] = [];
    options.onPlanned?.({ requests: plan.size, cells: plan.cells.length, simulated: simulator !== undefined });
    const startedAtWall = new Date();
    const startedAt = now();
    const result = await runPlan({
      plan,
      provider,
      concurrency: config.concurrency,
      retry: { ...DEFAULT_RETRY_POLICY, retries: config.retries },
      seed: config.seed,
      stopSignal: options.stopSignal,
      abortSignal: options.abortSignal,
      onStart: options.onStart,
      onFinished: async (finished) => {
        requestsCsv.write(finished.record);
        recorders.get(finished.record.cellId)?.record(finished.record, finished, finished.interChunkMs);
        if (reportRows.length < HTML_REQUEST_ROW_LIMIT) reportRows.push(finished.record);
        options.onFinished?.(finished.record.outcome);
        await requestsCsv.ready();
      },
    });
    const endedAt = now();

    const summary: RunSummary = {
      schemaVersion: 1,
      tool: { name: 'qfbench', version: TOOL_VERSION },
      run: {
        startedAt: startedAtWall.toISOString(),
        endedAt: wallClockAt(endedAt).toISOString(),
        durationMs: Math.round((endedAt - startedAt) * 1000) / 1000,
        simulated: simulator !== undefined,
        provider: 'qianfan',
        baseUrl: publicUrl(baseUrl),
        datasets,
        models: targets.map((target) => target.model),
        paramGrid: grid,
        repeat: config.repeat,
        concurrency: config.concurrency,
        stream: config.stream,
        seed: config.seed,
        interrupted: result.interrupted,
        metricsDefinitionVersion: METRICS_DEFINITION_VERSION,
      },
      cells: plan.cells.map((cell) => (recorders.get(cell.id) as CellRecorder).summary()),
    };
    await requestsCsv.close();
    await writeSummaryJson(join(outDir, 'summary.json'), summary);
    await writeSummaryCsv(join(outDir, 'summary.csv'), summary, { excelBom: config.excel });
    reportRows.sort((a, b) => a.seq - b.seq);
    await writeFile(join(outDir, 'report.html'), renderHtmlReport(summary, { requests: reportRows }));
    return { outDir, summary, interrupted: result.interrupted, consoleTable: formatSummaryTable(summary, { color: false }) };
  } finally {
    await requestsCsv.close().catch(() => undefined);
    await agent.close().catch(() => undefined);
    await simulator?.close();
  }
}

function resolveBaseModel(name: string, config: RunConfig, catalog: Catalog): ModelEntry {
  if (config.endpoints.length === 0) throw configError(`--base-model ${name}: it describes an --endpoint service of your own; give --endpoint SUFFIX too`);
  const entry = findModel(catalog, name);
  if (entry === undefined) throw configError(`--base-model ${name}: not in the model catalog (\`qfbench models\` lists them)`);
  return entry;
}

function resolveTargets(config: RunConfig, catalog: Catalog): ModelTarget[] {
  const targets: ModelTarget[] = config.models.map((name) => {
    const entry = findModel(catalog, name);
    if (entry === undefined) {
      const hints = similarModelNames(catalog, name);
      const hint = hints.length > 0 ? `; did you mean ${hints.join(', ')}?` : '';
      throw configError(`-m ${name}: not in the model catalog${hint} (\`qfbench models\` lists them; --endpoint SUFFIX runs a service of your own)`);
    }
    return { model: entry.name, endpoint: entry.endpoint };
  });
  for (const endpoint of config.endpoints) targets.push({ model: endpoint, endpoint });
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.endpoint)) throw configError(`-m/--endpoint: ${target.model} is given twice`);
    seen.add(target.endpoint);
  }
  return targets;
}

/** The base URL as it may appear in reports: no user info, no query. */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

function timestampLabel(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replaceAll(':', '-');
}
