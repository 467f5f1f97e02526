/**
 * `--record DIR` and `--replay DIR`, riding along a run.
 *
 * Record: every answer (ok request) is kept under the key of its request and written to
 * DIR/recordings.jsonl with the summary (src/providers/replay/recording.ts has the format).
 *
 * Replay (the provider is src/providers/replay/replay-provider.ts): before anything is sent, every
 * planned request must have a recorded answer; a missing one is a configuration error naming its
 * row and cell. Each replayed answer is marked `replayed` and its timings are left empty, so it
 * counts toward no latency or throughput figure, and the cost extension leaves it out; the summary
 * names the recording and whether its answers came from the simulator.
 */
import type { RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import { toProviderRequest } from '../load/runner.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import { buildPlan, type Plan, type RequestPlan } from '../plan/plan.js';
import { readRecording, requestKey, writeRecording, type RecordingEntry } from '../providers/replay/recording.js';
import type { Logger } from '../util/logger.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';

const LISTED_MISSING = 5;

export async function createRecordExtension(config: RunConfig, prepared: PreparedRun, logger: Logger): Promise<RunExtension> {
  if (config.record !== undefined && config.replay !== undefined) {
    throw configError('--record and --replay together: a replay sends nothing, so there is nothing new to record; give one of them');
  }
  // The requests of one pass over rows x cells; a stage or a repeat sends the same ones again.
  const plan = buildPlan({ targets: prepared.targets, grid: prepared.grid, rows: prepared.rows, repeat: 1, seed: config.seed, api: config.api, stream: config.stream });
  if (config.replay !== undefined) return replayExtension(config.replay, config, plan);
  if (config.record !== undefined) return recordExtension(config.record, config, plan, logger);
  return {};
}

function recordExtension(dir: string, config: RunConfig, plan: Plan, logger: Logger): RunExtension {
  const entries: RecordingEntry[] = [];
  return {
    onRequest({ spec, record }) {
      if (record.outcome !== 'ok') return;
      const request = toProviderRequest(plan, spec);
      const answer: RecordingEntry['answer'] = { output: record.output };
      if (record.usageSource === 'server' && record.promptTokens !== undefined && record.completionTokens !== undefined) {
        answer.usage = { promptTokens: record.promptTokens, completionTokens: record.completionTokens, totalTokens: record.totalTokens ?? record.promptTokens + record.completionTokens };
      }
      if (record.finishReason !== undefined) answer.finishReason = record.finishReason;
      entries.push({ key: requestKey(config.provider, request), rowId: spec.row.id, model: spec.cell.model, repeat: spec.repeat, request, answer });
    },
    async decorateSummary(summary) {
      const path = await writeRecording(dir, { provider: config.provider, simulated: summary.run.simulated, recordedAt: summary.run.startedAt }, entries);
      logger.info(`recorded ${entries.length} answer(s) to ${path}`);
    },
  };
}

async function replayExtension(dir: string, config: RunConfig, plan: Plan): Promise<RunExtension> {
  const recording = await readRecording(dir);
  if (recording.provider !== config.provider) {
    throw configError(`--replay ${dir}: recorded with --provider ${recording.provider}; replay it with the same provider (this run uses ${config.provider})`);
  }
  const missing: RequestPlan[] = [];
  for (const spec of plan.requests()) {
    if (!recording.answers.has(requestKey(config.provider, toProviderRequest(plan, spec)))) missing.push(spec);
  }
  if (missing.length > 0) {
    const listed = missing.slice(0, LISTED_MISSING).map((spec) => `row ${JSON.stringify(spec.row.id)} (${spec.row.source.file}:${spec.row.source.line}) × ${spec.cell.label}`);
    const more = missing.length > LISTED_MISSING ? `, and ${missing.length - LISTED_MISSING} more` : '';
    throw configError(
      `--replay ${dir}: no recorded answer for ${listed.join('; ')}${more}; its prompt, model or parameters differ from the recorded run's: record again with --record ${dir}`,
    );
  }
  const replayedPerCell = new Map<string, number>();
  return {
    onRequest(finished) {
      const replayed = finished.record.outcome === 'ok';
      finished.record.replayed = replayed;
      if (!replayed) return;
      forgetTimings(finished);
      replayedPerCell.set(finished.record.cellId, (replayedPerCell.get(finished.record.cellId) ?? 0) + 1);
    },
    decorateSummary(summary) {
      summary.run.replayedFrom = dir;
      // The figures are the recording's answers: simulated when the recorded run was.
      summary.run.simulated = recording.simulated;
      for (const cell of summary.cells) cell.replayed = replayedPerCell.get(cell.id) ?? 0;
    },
  };
}

/** A replay's instants time nothing: leave every timing empty so no figure takes them in. */
function forgetTimings(finished: FinishedRequest): void {
  const record = finished.record;
  delete record.schedOffsetMs;
  delete record.queueMs;
  delete record.latencyMs;
  delete record.latencySchedMs;
  delete record.ttftMs;
  delete record.ttftSchedMs;
  delete record.tpotMs;
  delete record.decodeTps;
  delete record.textEvents;
  delete finished.dispatchedAt;
  delete finished.doneAt;
  finished.interChunkMs.length = 0;
}
