/**
 * One benchmark run, end to end: datasets -> plan -> scheduler -> provider -> metrics -> files.
 * The CLI's `run` command is a thin wrapper; library users call this directly.
 */
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { METRICS_DEFINITION_VERSION, type CellSummary, type RequestRecord, type RunSession, type RunSummary, type StageSummary } from '../metrics/types.js';
import type { HttpTimeouts } from '../providers/http.js';
import { buildExtensions } from './build-extensions.js';
import type { RunVerdict } from '../eval/verdict.js';
import { runChecksOf } from '../eval/run-checks.js';
import { verdictOf } from './extensions.js';
import type { RunBenchmarkOptions } from './types.js';
import { claimOutputDir, defaultOutDir } from './output-dir.js';
import { prepareRun } from './prepare-run.js';
import { preflightOutcome, unsentAbortReason } from './preflight.js';
import { noSuccessReason } from './outcome-check.js';
import { loadSettings, runStage } from './stages.js';
import { stageSourceOf, type StageOutcome } from './capacity-stages.js';
import { createRunProvider } from './create-provider.js';
import { openTarget } from './open-target.js';
import { AuthFailureTally } from '../providers/qianfan/auth.js';
import { formatSummaryTable } from '../report/console-table.js';
import { withSloLines } from '../report/slo-text.js';
import { CONSOLE_MATRIX_ROWS, datasetRowMatrix, type MatrixRow } from '../report/row-matrix.js';
import { clientOverheadOf, startClientOverhead } from '../metrics/client-overhead.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReportWithCharts } from '../report/html.js';
import { REPORT_ANSWER_CHARS } from '../report/html-outputs.js';
import { readBaselineAnswers } from '../report/baseline-answers.js';
import { writeFileAtomic } from '../util/fs-util.js';
import { openRequestsCsv, readRequestsCsv, type RequestsCsvWriter } from '../report/requests-csv.js';
import { RUN_MANIFEST_FORMAT, writeRunManifest, type RunManifest } from '../report/run-manifest.js';
import { displayedRecord } from '../report/rebuild.js';
import { configError } from '../errors.js';
import { planIdentityOf } from './plan-identity.js';
import { withAbsolutePaths } from './plan-keys.js';
import { keepFinishedRows, newSession, planMismatch } from './resume.js';
import { shardOf, shardQuota } from './shard-setting.js';
import type { StoredRows } from './stages.js';
import { writeSummaryCsv } from '../report/summary-csv.js';
import { writeSummaryJson } from '../report/summary-json.js';
import { now, wallClockAt } from '../util/clock.js';
import { TOOL_VERSION } from '../version.js';
import { findModel } from '../qianfan/spec/catalog.js';
import { round3 } from '../util/round.js';

export type { RunBenchmarkOptions } from './types.js';

export interface RunBenchmarkResult {
  outDir: string;
  summary: RunSummary;
  interrupted: boolean;
  consoleTable: string;
  /** The first dataset rows' row x cell verdicts (the console shows them), and how many rows the run saw. */
  matrix: { rows: MatrixRow[]; rowCount: number };
  /** What assertions, thresholds, baselines and budgets concluded. */
  verdict: RunVerdict;
}

export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunBenchmarkResult> {
  const { logger, resume } = options;
  // The output folder is settled first, so extensions (a baseline comparison) know it too.
  const given: RunConfig = { ...options.config, out: options.config.out ?? defaultOutDir() };
  const env = options.env ?? process.env;
  const shard = resume !== undefined ? resume.manifest.shard : shardOf(given, env);
  const config = shardQuota(given, shard);
  const prepared = await prepareRun(config, logger);
  const identity = await planIdentityOf(config, prepared);
  // A resumed replay could not keep the trace's timing for the requests left; run it again instead.
  if (resume !== undefined && config.trace !== undefined)
    throw configError(`--resume ${resume.dir}: a --trace replay cannot be resumed; replay it again into a new --out folder`);
  // Later turns are built from answers the stopped run had in memory: a session cannot continue from its rows.
  if (resume !== undefined && config.sessions !== undefined)
    throw configError(`--resume ${resume.dir}: a --sessions run cannot be resumed; run it again into a new --out folder`);
  if (resume !== undefined) {
    const mismatch = planMismatch(resume.manifest.plan, identity, config.datasets);
    if (mismatch !== undefined) throw configError(`--resume ${resume.dir}: ${mismatch}; a resume sends the rest of the same plan`);
  }
  const extensions = [...(await buildExtensions(config, prepared, logger, resume !== undefined)), ...(options.extensions ?? [])];

  // Everything that can be wrong with the input was found above, before anything is sent.
  const { catalog, targets, grid, datasets } = prepared;
  // The planned stages of a sweep, or a capacity search's, decided one after the other.
  const stages = stageSourceOf(config, extensions);
  const timeouts: HttpTimeouts = {
    connectMs: config.connectTimeout * 1000,
    firstByteMs: config.firstByteTimeout * 1000,
    idleMs: config.idleTimeout * 1000,
    totalMs: config.totalTimeout * 1000,
  };
  // Missing credentials stop the run here, before the output folder is claimed; the simulator starts with --sim.
  const server = await openTarget(config, {
    env,
    connections: stages.connections,
    timeouts,
    catalog,
    simOptions: options.simOptions,
    // answers=dataset: the simulator answers each row with its sim_answer.
    rows: prepared.rows,
  });
  // IAM has no preflight: a wrong key pair shows only as every answered request failing with 14.
  const authFailures = new AuthFailureTally();

  const outDir = config.out as string;
  // Before anything is sent: a folder another run holds, an earlier run's files (unless --force),
  // a file, an unwritable or impossible folder and a full disk all stop the run here (exit 2).
  const existingRun = resume !== undefined ? 'resume' : config.force ? 'overwrite' : 'refuse';
  const output = await claimOutputDir(outDir, { existingRun, warn: (message) => logger.warn(message) }).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });

  const requestsPath = join(outDir, 'requests.csv');
  const startedAtWall = new Date();
  let stored: StoredRows | undefined;
  let manifest: RunManifest;
  let requestsCsv: RequestsCsvWriter | undefined;
  try {
    if (resume !== undefined) {
      // What the earlier sessions finished stays; the rest of the plan is sent now.
      const kept = await keepFinishedRows(resume, identity.size ?? 0);
      stored = { kept: kept.kept, rows: () => readRequestsCsv(requestsPath, { tornTail: 'skip' }) };
      const torn = kept.tornBytes > 0 ? `; cut a torn last line (${kept.tornBytes} bytes)` : '';
      logger.info(`resuming ${outDir}: ${kept.kept.size} of ${identity.size ?? 0} requests have a final outcome and are kept${torn}`);
      manifest = { ...resume.manifest, sessions: [...resume.manifest.sessions, newSession(resume, startedAtWall)] };
    } else {
      manifest = {
        format: RUN_MANIFEST_FORMAT,
        tool: { name: 'qfbench', version: TOOL_VERSION },
        config: storedConfigOf(given),
        plan: identity,
        shard,
        sessions: [newSession(undefined, startedAtWall)],
      };
    }
    await writeRunManifest(outDir, manifest);
    // A reasoning model's rows have ttfrt_ms and reasoning_tokens even when another model answers first.
    const reasoning = targets.some((target) => findModel(catalog, target.model)?.reasoning === true);
    requestsCsv = openRequestsCsv(requestsPath, { excelBom: config.excel, append: resume !== undefined, ...(reasoning ? { groups: ['reasoning'] } : {}) });
  } catch (error) {
    await requestsCsv?.close().catch(() => undefined);
    await output.release();
    await server.close();
    throw error;
  }
  const session = manifest.sessions.length - 1;
  const rows = requestsCsv;
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
    const startedAt = now();
    // The client's own delay and CPU from the first request on (summary.run.client), and the console's row x cell matrix.
    const clientOverhead = startClientOverhead();
    const matrix = datasetRowMatrix(
      prepared.rows.map((row) => row.id),
      CONSOLE_MATRIX_ROWS,
    );
    let interrupted = false;
    let seqOffset = 0;
    let previous: StageOutcome | undefined;
    for (let stageIndex = 0, stage = stages.next(); stage !== undefined; stageIndex++, stage = stages.next(previous)) {
      if (options.stopSignal?.aborted && !(stageIndex === 0 && unsent !== undefined)) break;
      const outcome = await runStage({
        unsent,
        stage,
        label: stages.label(stageIndex, prepared),
        prepared,
        config: stages.configOf(stage, config),
        provider,
        extensions,
        options,
        simulated: server.simulated,
        seqOffset,
        session,
        shard,
        stored,
        onStored: async (finished) => {
          // Not counted as progress: the stage's planned size is what is left to send.
          if (reportRows.length < HTML_REQUEST_ROW_LIMIT) reportRows.push(previewOf(displayedRecord(finished.record)));
          matrix.add(finished.record);
        },
        onRecord: async (finished) => {
          rows.write(finished.record);
          authFailures.record(finished.record);
          if (reportRows.length < HTML_REQUEST_ROW_LIMIT) reportRows.push(previewOf(finished.record));
          matrix.add(finished.record);
          options.onFinished?.(finished.record.outcome, { id: finished.record.cellId, label: finished.spec.cell.label });
          // The slot frees only once the kernel has the row: a kill then loses only requests in flight.
          await rows.ready();
          await rows.persisted();
        },
      });
      seqOffset += outcome.planned;
      interrupted ||= outcome.interrupted;
      cellSummaries.push(...outcome.cells);
      stageSummaries.push(outcome.stage);
      previous = outcome;
      options.onStageEnd?.();
    }
    const endedAt = now();
    const client = clientOverhead.stop();
    const thisSession = manifest.sessions[session];
    if (thisSession !== undefined) Object.assign(thisSession, { endedAt: wallClockAt(endedAt).toISOString(), requests: rows.rowsWritten });
    await writeRunManifest(outDir, manifest);
    const firstStart = manifest.sessions[0]?.startedAt ?? startedAtWall.toISOString();

    const summary: RunSummary = {
      schemaVersion: 1,
      tool: { name: 'qfbench', version: TOOL_VERSION },
      run: {
        startedAt: firstStart,
        endedAt: wallClockAt(endedAt).toISOString(),
        // The time spent sending, over every session (a resume's pause is not in it).
        durationMs: round3(earlierSessionsMs(manifest.sessions.slice(0, session)) + endedAt - startedAt),
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
        plan: identity,
        ...(shard !== undefined ? { shard } : {}),
        sessions: manifest.sessions,
        client: clientOverheadOf(client, cellSummaries),
      },
      load: loadSettings(config, prepared),
      stages: stageSummaries,
      cells: cellSummaries,
    };
    for (const extension of extensions) await extension.decorateSummary?.(summary);
    await rows.close();
    // The checks are judged before the files are written, so summary.json and report.html show
    // what decided the exit code. A run the server refused throughout is an auth failure, and one
    // where no request succeeded is aborted whatever the cause. A check that throws still leaves
    // every file written.
    let verdict: RunVerdict | undefined;
    let verdictError: unknown;
    try {
      const judged = await verdictOf(extensions, summary);
      const abortReason =
        judged.abortReason ??
        unsentAbortReason(unsent, seqOffset, outDir) ??
        authFailures.failure(`${authHint} (results written to ${outDir})`)?.message ??
        noSuccessReason(summary, outDir);
      verdict = abortReason !== undefined ? { ...judged, abortReason } : judged;
      summary.checks = runChecksOf(summary, verdict, interrupted);
    } catch (error) {
      verdictError = error;
    }
    await writeSummaryJson(join(outDir, 'summary.json'), summary);
    await writeSummaryCsv(join(outDir, 'summary.csv'), summary, { excelBom: config.excel });
    reportRows.sort((a, b) => a.seq - b.seq);
    // Under --baseline the outputs section sets the baseline's answers of the same rows beside this run's.
    const baselineAnswers = config.baseline !== undefined ? await readBaselineAnswers(config.baseline, reportRows) : undefined;
    await writeFileAtomic(
      join(outDir, 'report.html'),
      await renderHtmlReportWithCharts(summary, {
        requests: reportRows,
        rowIds: prepared.rows.map((row) => row.id),
        ...(baselineAnswers !== undefined ? { baseline: baselineAnswers } : {}),
      }),
    );
    if (verdict === undefined) throw verdictError;
    return {
      outDir,
      summary,
      interrupted,
      consoleTable: withSloLines(formatSummaryTable(summary, { color: false }), summary),
      matrix: { rows: matrix.rows(summary.cells.map((cell) => cell.id)), rowCount: matrix.rowCount },
      verdict,
    };
  } finally {
    await rows.close().catch(() => undefined);
    await output.release();
    await server.close();
  }
}

/**
 * The page shows a short preview of each output: a row kept for it never holds megabytes of answer
 * (copied through a Buffer: a plain slice would keep the whole string alive).
 */
function previewOf(record: RequestRecord): RequestRecord {
  return record.output.length > REPORT_ANSWER_CHARS ? { ...record, output: Buffer.from(record.output.slice(0, REPORT_ANSWER_CHARS)).toString() } : record;
}

/** The configuration as run.json keeps it: no key (credentials come from the environment again), absolute paths, the base URL without user info. */
function storedConfigOf(config: RunConfig): Record<string, unknown> {
  // Not the key, and not --quiet or --json: how the next session talks to its terminal is that session's choice.
  const { apiKey: _key, quiet: _quiet, json: _json, ...rest } = withAbsolutePaths(config);
  return rest.baseUrl !== undefined ? { ...rest, baseUrl: publicUrl(rest.baseUrl) } : rest;
}

/** Milliseconds the sessions before this one spent (a killed session, which never wrote its end, counts none). */
function earlierSessionsMs(sessions: readonly RunSession[]): number {
  let total = 0;
  for (const session of sessions) if (session.endedAt !== undefined) total += Math.max(0, Date.parse(session.endedAt) - Date.parse(session.startedAt));
  return total;
}

/** The base URL as it may appear in reports: no user info, no query. */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
