/**
 * `--trace FILE` before anything is sent: the trace loaded (FILE:LINE errors), its arrivals made
 * into rows (synthetic prompts for token lengths, -d rows for times alone), output lengths held
 * within what the run's models accept, and the schedule scaled by --trace-speed. Output lengths
 * above a model's max output tokens are clipped to it (traces come from other platforms, whose
 * answers run longer than 2,048 tokens), counted in the summary and said once as a warning.
 */
import type { RunConfig } from '../config/run-config.js';
import { loadTrace } from '../dataset/trace-load.js';
import { traceRows, type OutputBounds } from '../dataset/trace-rows.js';
import type { DatasetRow } from '../dataset/types.js';
import type { TraceReplay } from '../metrics/types.js';
import type { ModelTarget, PlanTrace } from '../plan/plan.js';
import { MIN_OUTPUT_TOKENS, targetProfile, type ValidationTarget } from '../providers/qianfan/validation-target.js';
import { findModel, type Catalog } from '../qianfan/spec/catalog.js';
import type { Logger } from '../util/logger.js';
import { round3 } from '../util/round.js';

export interface PreparedTrace extends PlanTrace {
  replay: TraceReplay;
  /** Requests offered per second over the trace's span, every cell counted (0 when all arrive at once). */
  offeredRatePerSec: number;
}

/** The output range every target accepts; targets outside the catalog (an OpenAI-compatible server's own) set no cap. */
export function traceOutputBounds(config: Pick<RunConfig, 'provider' | 'endpoints'>, targets: readonly ModelTarget[], catalog: Catalog): OutputBounds {
  const bounds: OutputBounds = { min: config.provider === 'qianfan' ? MIN_OUTPUT_TOKENS : 1 };
  for (const target of targets) {
    const validation: ValidationTarget = { model: target.model, endpoint: target.endpoint };
    if (!config.endpoints.includes(target.endpoint)) {
      const entry = findModel(catalog, target.model);
      if (entry === undefined) continue;
      validation.entry = entry;
    }
    const profile = targetProfile(validation);
    if (bounds.max === undefined || profile.outputCap < bounds.max) {
      bounds.max = profile.outputCap;
      bounds.maxOwner = profile.label;
    }
  }
  return bounds;
}

export async function prepareTrace(
  config: RunConfig & { trace: string },
  input: { targets: readonly ModelTarget[]; catalog: Catalog; datasetRows: readonly DatasetRow[]; cells: number; logger: Logger },
): Promise<PreparedTrace> {
  const speed = config.traceSpeed ?? 1;
  const loaded = await loadTrace(config.trace, config.traceLimit !== undefined ? { limit: config.traceLimit } : {});
  const output = traceOutputBounds(config, input.targets, input.catalog);
  const made = traceRows(loaded, { speed, datasetRows: input.datasetRows, output });
  const kinds = new Set(loaded.arrivals.map((arrival) => arrival.content.kind));
  const prompts: TraceReplay['prompts'] = made.fromDatasets ? 'dataset' : kinds.size > 1 ? 'mixed' : kinds.has('row') ? 'trace' : 'synthetic';
  const spanMs = made.rows.length > 0 ? (made.rows.at(-1)?.offsetMs ?? 0) - (made.rows[0]?.offsetMs ?? 0) : 0;
  const replay: TraceReplay = { file: config.trace, format: loaded.format, arrivals: made.rows.length, speed, spanMs: round3(spanMs), prompts };
  if (config.traceLimit !== undefined) replay.limit = config.traceLimit;
  if (loaded.skipped !== undefined) {
    replay.skipped = loaded.skipped.count;
    input.logger.warn(`--trace ${config.trace}: skipped ${loaded.skipped.count} lines, ${loaded.skipped.reason}`);
  }
  if (made.clipped > 0) {
    replay.clippedOutputs = made.clipped;
    input.logger.warn(
      `--trace ${config.trace}: ${made.clipped} of ${made.rows.length} output lengths are above the max output tokens of ${output.maxOwner ?? 'the model'} ` +
        `(${output.max ?? ''}); those requests ask for ${output.max ?? ''}`,
    );
  }
  if (made.raised > 0) replay.raisedOutputs = made.raised;
  // (arrivals - 1) gaps over the span, as N requests at a constant rate r span (N - 1) / r.
  const offeredRatePerSec = spanMs > 0 ? round3(((made.rows.length - 1) * input.cells) / (spanMs / 1000)) : 0;
  return { arrivals: made.rows.map(({ row, offsetMs, repeat }) => ({ row, offsetMs, repeat })), replay, offeredRatePerSec };
}
