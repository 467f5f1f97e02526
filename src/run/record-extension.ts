/**
 * `--record DIR` and `--replay DIR`, riding along a run.
 *
 * Record: every answer (ok request) is kept under the key of its request and appended to
 * DIR/recordings.jsonl as it arrives (src/providers/replay/recording.ts has the format); a
 * request that got no answer is kept as its error, to explain its absence later.
 *
 * Replay (the provider is src/providers/replay/replay-provider.ts): before anything is sent, every
 * planned request must have a recorded answer; a missing one is a configuration error naming its
 * row and cell, and the error it got while recording when it got one. Each replayed answer is marked `replayed` and its timings are left empty, so it
 * counts toward no latency or throughput figure, and the cost extension leaves it out; the summary
 * names the recording and whether its answers came from the simulator.
 */
import type { RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import { toProviderRequest } from '../load/runner.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import { planOfRun, type Plan, type RequestPlan } from '../plan/plan.js';
import { gotNoAnswer } from '../eval/tally.js';
import { readRecording, requestKey, type RecordedError, type RecordingEntry, type RecordingErrorEntry } from '../providers/replay/recording.js';
import { sampleMessage } from '../report/error-summary.js';
import { redact, redactSecrets } from '../util/redact.js';
import type { Logger } from '../util/logger.js';
import type { RunExtension } from './extensions.js';
import { makeFolderSync } from '../util/fs-util.js';
import { RecordingAppender } from './recording-appender.js';
import type { PreparedRun } from './prepare-run.js';

const LISTED_MISSING = 5;

export async function createRecordExtension(config: RunConfig, prepared: PreparedRun, logger: Logger, resuming = false): Promise<RunExtension> {
  if (config.record !== undefined && config.replay !== undefined) {
    throw configError('--record and --replay together: a replay sends nothing, so there is nothing new to record; give one of them');
  }
  // The requests of one pass over rows x cells; a stage or a repeat sends the same ones again.
  const plan = planOfRun(config, prepared, { repeat: 1 });
  if (config.replay !== undefined) return replayExtension(config.replay, config, plan);
  if (config.record !== undefined) return recordExtension(config.record, config, plan, logger, resuming);
  return {};
}

function recordExtension(dir: string, config: RunConfig, plan: Plan, logger: Logger, resuming: boolean): RunExtension {
  // Appended as they arrive: a killed run keeps what it recorded, and a resume goes on appending. `simulated` is the run's: it has a simulator iff --sim.
  const recording = new RecordingAppender(dir, () => ({ provider: config.provider, simulated: config.sim, recordedAt: new Date().toISOString() }), {
    append: resuming,
  });
  makeFolderSync(dir);
  let answers = 0;
  let errors = 0;
  return {
    onRequest({ spec, record, stored }) {
      // A kept row was recorded when its answer arrived.
      if (stored === true) return;
      if (record.outcome !== 'ok') {
        // Kept (never replayed) so a replay missing this answer can say the request errored, and why.
        if (gotNoAnswer(record)) {
          const error: RecordedError = { outcome: record.outcome, message: redact(record.errorMsg ?? '') };
          if (record.errorCode !== undefined) error.code = record.errorCode;
          errors++;
          recording.append({
            key: requestKey(config.provider, toProviderRequest(plan, spec)),
            rowId: spec.row.id,
            model: spec.cell.model,
            repeat: spec.repeat,
            request: toProviderRequest(plan, spec),
            error,
          } satisfies RecordingErrorEntry);
        }
        return;
      }
      answers++;
      const request = toProviderRequest(plan, spec);
      // A recording is shared (CI fixtures): an answer that quotes a key or token is masked.
      const answer: RecordingEntry['answer'] = { output: redactSecrets(record.output) };
      if (record.usageSource === 'server' && record.promptTokens !== undefined && record.completionTokens !== undefined) {
        answer.usage = {
          promptTokens: record.promptTokens,
          completionTokens: record.completionTokens,
          totalTokens: record.totalTokens ?? record.promptTokens + record.completionTokens,
        };
      }
      if (record.finishReason !== undefined) answer.finishReason = record.finishReason;
      recording.append({
        key: requestKey(config.provider, request),
        rowId: spec.row.id,
        model: spec.cell.model,
        repeat: spec.repeat,
        request,
        answer,
      } satisfies RecordingEntry);
    },
    decorateSummary() {
      const path = recording.finish();
      const errored = errors;
      logger.info(`recorded ${answers} answer(s) to ${path}${errored > 0 ? `; ${errored} request(s) got no answer and cannot be replayed` : ''}`);
    },
  };
}

async function replayExtension(dir: string, config: RunConfig, plan: Plan): Promise<RunExtension> {
  const recording = await readRecording(dir);
  if (recording.provider !== config.provider) {
    throw configError(`--replay ${dir}: recorded with --provider ${recording.provider}; replay it with the same provider (this run uses ${config.provider})`);
  }
  // A request without a recorded answer either errored while recording (the recording says how) or was never recorded.
  const missing: RequestPlan[] = [];
  const errored: Array<{ spec: RequestPlan; error: RecordedError }> = [];
  for (const spec of plan.requests()) {
    const key = requestKey(config.provider, toProviderRequest(plan, spec));
    if (recording.answers.has(key)) continue;
    const error = recording.errors.get(key)?.[0];
    if (error !== undefined) errored.push({ spec, error });
    else missing.push(spec);
  }
  if (missing.length > 0 || errored.length > 0) throw configError(missingAnswersMessage(dir, missing, errored));
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

const rowText = (spec: RequestPlan): string => `row ${JSON.stringify(spec.row.id)} (${spec.row.source.file}:${spec.row.source.line}) × ${spec.cell.label}`;

function listed<T>(items: readonly T[], text: (item: T) => string): string {
  const more = items.length > LISTED_MISSING ? `, and ${items.length - LISTED_MISSING} more` : '';
  return `${items.slice(0, LISTED_MISSING).map(text).join('; ')}${more}`;
}

/**
 * Refused, not replayed as errors: a replay reproduces answers, and an outage baked into the
 * recording would fail every later CI run for a reason the model never gave.
 */
function missingAnswersMessage(dir: string, missing: readonly RequestPlan[], errored: ReadonlyArray<{ spec: RequestPlan; error: RecordedError }>): string {
  const parts: string[] = [];
  if (errored.length > 0) {
    const why = ({ spec, error }: { spec: RequestPlan; error: RecordedError }): string =>
      `${rowText(spec)}: ${error.outcome}` +
      `${error.code !== undefined ? ` ${error.code}` : ''}${error.message !== '' ? ` "${sampleMessage(error.message)}"` : ''}`;
    parts.push(`${errored.length} request(s) got no answer while recording, so there is none to replay: ${listed(errored, why)}`);
  }
  if (missing.length > 0) parts.push(`no recorded answer for ${listed(missing, rowText)}; its prompt, model or parameters differ from the recorded run's`);
  return `--replay ${dir}: ${parts.join('; ')}; record again with --record ${dir}${errored.length > 0 ? ' once the server answers them' : ''}`;
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
