/**
 * `qfbench merge ... --threshold --baseline --junit`: the checks of `run`, on the merged result,
 * with the same exit codes, so a sharded CI job gates on the whole. The merged rows go through the
 * run's own extensions (assertion tallies, cost, thresholds, baseline, JUnit) as kept rows, each
 * with its planned request from the shards' common plan, rebuilt from the first shard's run.json.
 */
import { join } from 'node:path';
import { parseRunConfig, type RunConfig } from '../config/run-config.js';
import type { RunSummary } from '../metrics/types.js';
import { planOfRun, type RequestPlan } from '../plan/plan.js';
import { slicePlan } from '../plan/slice.js';
import { mergeRuns, type MergeResult } from '../report/merge.js';
import { rebuildReport } from '../report/rebuild.js';
import { readRequestsCsv } from '../report/requests-csv.js';
import { readRunManifest } from '../report/run-manifest.js';
import { writeSummaryJson } from '../report/summary-json.js';
import type { Logger } from '../util/logger.js';
import { createCostExtension } from './cost-extension.js';
import { createEvalExtension } from './eval-extension.js';
import { verdictOf, type RunExtension, type RunVerdict } from './extensions.js';
import { noSuccessReason } from './outcome-check.js';
import { planStages, stagePlanLabel, stagePlanSize } from './stages.js';
import { prepareRun } from './prepare-run.js';

export interface MergeCheckOptions {
  force: boolean;
  thresholds: string[];
  baseline?: string | undefined;
  tolerance?: number | undefined;
  junit?: string | undefined;
}

export interface CheckedMerge extends MergeResult {
  verdict: RunVerdict;
}

export async function mergeAndCheck(dirs: readonly string[], outDir: string, options: MergeCheckOptions, logger: Logger): Promise<CheckedMerge> {
  const result = await mergeRuns(dirs, outDir, { force: options.force });
  const manifest = dirs[0] !== undefined ? await readRunManifest(dirs[0]) : undefined;
  let summary = result.summary;
  let verdict: RunVerdict = { failures: [], errors: [] };
  // Shards of one plan (not a forced merge): re-judge the whole with the run's own extensions.
  if (manifest !== undefined && summary.run.merged?.forced !== true) {
    const config = parseRunConfig({
      ...manifest.config,
      out: outDir,
      thresholds: options.thresholds,
      junit: options.junit,
      baseline: options.baseline,
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      record: undefined,
      replay: undefined,
      maxCost: undefined,
      maxTokens: undefined,
      shard: undefined,
      shards: undefined,
    });
    const judged = await judgeMergedRows(config, outDir, summary, logger);
    summary = judged.summary;
    verdict = await verdictOf(judged.extensions, summary);
  } else if (options.thresholds.length > 0 || options.baseline !== undefined || options.junit !== undefined) {
    logger.warn('merge: the checks need the shards of one plan with their run.json; this merge has none to judge against');
    verdict = { failures: ['merge: --threshold/--baseline/--junit need shards of one plan (with run.json); none was checked'], errors: [] };
  }
  const abortReason = verdict.abortReason ?? noSuccessReason(summary, outDir);
  return { ...result, summary, verdict: abortReason !== undefined ? { ...verdict, abortReason } : verdict };
}

/** Feeds every merged row through the eval and cost extensions and rewrites the merged summary they decorate. */
async function judgeMergedRows(
  config: RunConfig,
  outDir: string,
  summary: RunSummary,
  logger: Logger,
): Promise<{ summary: RunSummary; extensions: RunExtension[] }> {
  const prepared = await prepareRun(config, logger);
  const extensions = [await createEvalExtension(config, prepared, logger), await createCostExtension(config, prepared, logger)];
  // Every planned request by its run-wide sequence number, stage after stage as the run numbered them.
  const specs = new Map<number, RequestPlan>();
  const planCellIds = new Map<string, string>();
  const stages = planStages(config);
  let offset = 0;
  for (const index of stages.keys()) {
    const label = stagePlanLabel(stages, index, prepared);
    const plan = planOfRun(config, prepared, label !== undefined ? { stage: label } : {});
    for (const cell of plan.cells) planCellIds.set(cell.label, cell.id);
    for (const spec of slicePlan(plan, { limit: config.maxRequests }).requests()) specs.set(offset + spec.seq, spec);
    offset += stagePlanSize(plan, config) ?? plan.size;
  }
  for await (const record of readRequestsCsv(join(outDir, 'requests.csv'))) {
    const spec = specs.get(record.seq);
    if (spec === undefined) continue;
    record.cellId = spec.cell.id;
    for (const extension of extensions) extension.onRequest?.({ spec, record, interChunkMs: [], stored: true });
  }
  // The extensions know cells by the plan's ids; the merged summary numbers its cells itself.
  const decorated: RunSummary = { ...summary, cells: summary.cells.map((cell) => ({ ...cell, id: planCellIds.get(cell.label) ?? cell.id })) };
  for (const extension of extensions) await extension.decorateSummary?.(decorated);
  decorated.cells = decorated.cells.map((cell, index) => ({ ...cell, id: summary.cells[index]?.id ?? cell.id }));
  await writeSummaryJson(join(outDir, 'summary.json'), decorated);
  await rebuildReport(outDir);
  return { summary: decorated, extensions };
}
