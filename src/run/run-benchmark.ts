/**
 * One benchmark run, end to end: datasets -> plan -> scheduler -> provider -> metrics -> files.
 * The CLI's `run` command is a thin wrapper; library users call this directly.
 */
import { join } from 'node:path';
import { expandGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { METRICS_DEFINITION_VERSION, type CellSummary, type RequestRecord, type RunSummary, type StageSummary } from '../metrics/types.js';
import type { HttpTimeouts } from '../providers/http.js';
import { buildExtensions } from './build-extensions.js';
import type { RunVerdict } from '../eval/verdict.js';
import { verdictOf } from './extensions.js';
import type { RunBenchmarkOptions } from './types.js';
import { claimOutputDir, defaultOutDir } from './output-dir.js';
import { prepareRun } from './prepare-run.js';
import { preflightOutcome, unsentAbortReason } from './preflight.js';
import { noSuccessReason } from './outcome-check.js';
import { loadSettings, planStages, runStage, stageLabel } from './stages.js';
import { createRunProvider } from './create-provider.js';
import { openTarget } from './open-target.js';
import { AuthFailureTally } from '../providers/qianfan/auth.js';
import { formatSummaryTable } from '../report/console-table.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReportWithCharts } from '../report/html.js';
import { writeFileAtomic } from '../util/fs-util.js';
import { openRequestsCsv } from '../report/requests-csv.js';
import { writeSummaryCsv } from '../report/summary-csv.js';
import { writeSummaryJson } from '../report/summary-json.js';
import { now, wallClockAt } from '../util/clock.js';
import { TOOL_VERSION } from '../version.js';
import { round3 } from '../util/round.js';

export type { RunBenchmarkOptions } from './types.js';

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
  const config: RunConfig = { ...options.config, out: options.config.out ?? defaultOutDir() };
  const env = options.env ?? process.env;
  const prepared = await prepareRun(config, logger);
  const extensions = [...(await buildExtensions(config, prepared, logger)), ...(options.extensions ?? [])];

  // Everything that can be wrong with the input was found above, before anything is sent.
  const { catalog, targets, grid, datasets } = prepared;
  const stages = planStages(config);
  const timeouts: HttpTimeouts = {
    connectMs: config.connectTimeout * 1000,
    firstByteMs: config.firstByteTimeout * 1000,
    idleMs: config.idleTimeout * 1000,
    totalMs: config.totalTimeout * 1000,
  };
  // Missing credentials stop the run here, before the output folder is claimed; the simulator starts with --sim.
  const server = await openTarget(config, { env, connections: Math.max(...config.concurrency), timeouts, catalog, simOptions: options.simOptions });
  // IAM has no preflight: a wrong key pair shows only as every answered request failing with 14.
  const authFailures = new AuthFailureTally();

  const outDir = config.out as string;
  // Before anything is sent: a folder another run holds, an earlier run's files (unless --force),
  // a file, an unwritable or impossible folder and a full disk all stop the run here (exit 2).
  const output = await claimOutputDir(outDir, { existingRun: config.force ? 'overwrite' : 'refuse', warn: (message) => logger.warn(message) }).catch(
    async (error: unknown) => {
      await server.close();
      throw error;
    },
  );

  const requestsCsv = openRequestsCsv(join(outDir, 'requests.csv'), { excelBom: config.excel });
  try {
    const {
      provider,
      name: providerName,
      baseUrl,
      authHint,
    } = createRunProvider({ config, target: server, catalog, stopSignal: options.stopSignal, abortSignal: options.abortSignal });
    // A failed token fetch (or a Ctrl-C during it) still gives every planned request its row.
    const unsent = await preflightOutcome(provider, options);

    // The HTML report lists requests; keep a bounded sample so memory does not grow with the run.
    const reportRows: RequestRecord[] = [];
    const cellSummaries: CellSummary[] = [];
    const stageSummaries: StageSummary[] = [];
    const startedAtWall = new Date();
    const startedAt = now();
    let interrupted = false;
    let seqOffset = 0;
    for (const [stageIndex, stage] of stages.entries()) {
      if (options.stopSignal?.aborted && !(stageIndex === 0 && unsent !== undefined)) break;
      const outcome = await runStage({
        unsent,
        stage,
        label: stages.length > 1 ? { cellIdOffset: stageIndex * targets.length * expandGrid(grid).length, label: stageLabel(stage.load) } : undefined,
        prepared,
        config,
        provider,
        extensions,
        options,
        simulated: server.simulated,
        seqOffset,
        onRecord: async (finished) => {
          requestsCsv.write(finished.record);
          authFailures.record(finished.record);
          // The page shows a short preview of each output: a row kept for it never holds megabytes of
          // answer (copied through a Buffer: a plain slice would keep the whole string alive).
          if (reportRows.length < HTML_REQUEST_ROW_LIMIT)
            reportRows.push(
              finished.record.output.length > 4096
                ? { ...finished.record, output: Buffer.from(finished.record.output.slice(0, 4096)).toString() }
                : finished.record,
            );
          options.onFinished?.(finished.record.outcome);
          await requestsCsv.ready();
        },
      });
      seqOffset += outcome.planned;
      interrupted ||= outcome.interrupted;
      cellSummaries.push(...outcome.cells);
      stageSummaries.push(outcome.stage);
      options.onStageEnd?.();
    }
    const endedAt = now();

    const summary: RunSummary = {
      schemaVersion: 1,
      tool: { name: 'qfbench', version: TOOL_VERSION },
      run: {
        startedAt: startedAtWall.toISOString(),
        endedAt: wallClockAt(endedAt).toISOString(),
        durationMs: round3(endedAt - startedAt),
        simulated: server.simulated,
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
    await writeFileAtomic(join(outDir, 'report.html'), await renderHtmlReportWithCharts(summary, { requests: reportRows }));
    // Only now that every file is written (JUnit too, by the verdict): a run the server refused
    // throughout is an auth failure, and one where no request succeeded is aborted whatever the cause.
    const verdict = await verdictOf(extensions, summary);
    const abortReason =
      verdict.abortReason ??
      unsentAbortReason(unsent, seqOffset, outDir) ??
      authFailures.failure(`${authHint} (results written to ${outDir})`)?.message ??
      noSuccessReason(summary, outDir);
    return {
      outDir,
      summary,
      interrupted,
      consoleTable: formatSummaryTable(summary, { color: false }),
      verdict: abortReason !== undefined ? { ...verdict, abortReason } : verdict,
    };
  } finally {
    await requestsCsv.close().catch(() => undefined);
    await output.release();
    await server.close();
  }
}

/** The base URL as it may appear in reports: no user info, no query. */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
