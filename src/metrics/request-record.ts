/**
 * Turns the final attempt of one planned request into its requests.csv row.
 */
import { estimateTokens } from '../qianfan/spec/token-estimate.js';
import { redact } from '../util/redact.js';
import { documentCount } from '../dataset/documents.js';
import { imagesRequested } from '../providers/text2image.js';
import type { RequestPlan } from '../plan/plan.js';
import type { AttemptResult, ErrorClass } from '../providers/types.js';
import { deriveTimings } from './request-metrics.js';
import type { Outcome, RequestRecord } from './types.js';
import { round3 } from '../util/round.js';

export interface RequestHistory {
  schedAt: number;
  /** Start of the run, for `sched_offset_ms`. */
  epoch: number;
  attempts: number;
  backoffMs: number;
  stream: boolean;
}

export interface FinishedRequest {
  /** The planned request this outcome belongs to (its row, cell and repeat). */
  spec: RequestPlan;
  record: RequestRecord;
  dispatchedAt?: number;
  doneAt?: number;
  interChunkMs: number[];
  /**
   * Read back from requests.csv by a resume, not sent in this session: its figures count again,
   * but nothing is sent, judged by a model, recorded or written for it a second time.
   */
  stored?: true;
}

function outcomeOf(errorClass: ErrorClass): Outcome {
  if (errorClass === 'throttled') return 'throttled';
  if (errorClass === 'timeout') return 'timeout';
  return 'failed';
}

function baseRecord(spec: RequestPlan, outcome: Outcome, history: Pick<RequestHistory, 'attempts' | 'backoffMs'>): RequestRecord {
  return {
    seq: spec.seq,
    cellId: spec.cell.id,
    model: spec.cell.model,
    endpoint: spec.cell.endpoint,
    params: spec.cell.paramsText,
    rowId: spec.row.id,
    repeat: spec.repeat,
    outcome,
    attempts: history.attempts,
    backoffMs: round3(history.backoffMs),
    output: '',
    // Reranker cells: the documents each request sends, for documents per second.
    ...(spec.cell.api === 'reranker' ? { documents: documentCount(spec.row) } : {}),
    // Text-to-image cells: the images each request asks for (`n`), for images per second and latency per image.
    ...(spec.cell.api === 'text2image' ? { images: imagesRequested(spec.cell.params) } : {}),
    // A --sessions turn: which session, which turn, and the history it was sent with.
    ...(spec.turn !== undefined ? { ...spec.turn } : {}),
  };
}

/**
 * A request that got no answer from the server: `cancelled` (run stopped), `dropped` (a cap or
 * budget kept it from being sent) or `failed` with a client-side `errorCode`.
 */
export function unansweredRecord(
  spec: RequestPlan,
  outcome: Outcome,
  reason: string,
  history = { attempts: 0, backoffMs: 0 },
  errorCode?: string,
): FinishedRequest {
  const record = baseRecord(spec, outcome, history);
  record.errorMsg = reason;
  if (errorCode !== undefined) record.errorCode = errorCode;
  return { spec, record, interChunkMs: [] };
}

/**
 * Gives a record of a v1 run the flags it lacks (a request that got no answer): false, so every
 * record has them and requests.csv has the columns whichever request finishes first.
 */
export function withV1FlagDefaults(record: RequestRecord): void {
  record.needClearHistory ??= false;
  record.isTruncated ??= false;
}

export function answeredRecord(spec: RequestPlan, result: AttemptResult, history: RequestHistory): FinishedRequest {
  const outcome: Outcome = result.ok ? 'ok' : outcomeOf(result.error?.class ?? 'fatal');
  const record = baseRecord(spec, outcome, history);
  const completionTokens = result.usage?.completionTokens ?? (result.ok ? estimateTokens(result.output) : undefined);
  const timings = deriveTimings({
    schedAt: history.schedAt,
    dispatchedAt: result.dispatchedAt,
    textEventTimes: result.textEventTimes,
    doneAt: result.doneAt,
    stream: history.stream,
    ...(completionTokens !== undefined ? { completionTokens } : {}),
    ...(result.firstReasoningAt !== undefined ? { firstReasoningAt: result.firstReasoningAt } : {}),
    ...(result.usage?.reasoningTokens !== undefined ? { reasoningTokens: result.usage.reasoningTokens } : {}),
  });
  record.schedOffsetMs = round3(history.schedAt - history.epoch);
  record.queueMs = round3(timings.queueMs);
  record.latencyMs = round3(timings.latencyMs);
  record.latencySchedMs = round3(timings.latencySchedMs);
  if (timings.ttftMs !== undefined) record.ttftMs = round3(timings.ttftMs);
  if (timings.ttftSchedMs !== undefined) record.ttftSchedMs = round3(timings.ttftSchedMs);
  if (timings.ttfrtMs !== undefined) record.ttfrtMs = round3(timings.ttfrtMs);
  if (timings.tpotMs !== undefined) record.tpotMs = round3(timings.tpotMs);
  if (timings.decodeTps !== undefined) record.decodeTps = Math.round(timings.decodeTps * 100) / 100;
  record.textEvents = result.textEventTimes.length;
  if (result.ok && record.images !== undefined && record.images > 0) record.msPerImage = round3(timings.latencyMs / record.images);
  if (result.httpStatus !== undefined) record.httpStatus = result.httpStatus;
  if (result.finishReason !== undefined) record.finishReason = result.finishReason;
  if (result.flags !== undefined) {
    record.needClearHistory = result.flags.needClearHistory;
    if (result.flags.banRound !== undefined) record.banRound = result.flags.banRound;
    record.isTruncated = result.flags.isTruncated;
  }
  record.output = result.output;
  if (result.error !== undefined) {
    if (result.error.code !== undefined) record.errorCode = String(result.error.code);
    // Server messages can echo what was sent; none of it may carry a credential into a report.
    record.errorMsg = redact(result.error.message);
  }
  if (result.usage !== undefined) {
    record.promptTokens = result.usage.promptTokens;
    record.completionTokens = result.usage.completionTokens;
    record.totalTokens = result.usage.totalTokens;
    if (result.usage.reasoningTokens !== undefined) record.reasoningTokens = result.usage.reasoningTokens;
    record.usageSource = 'server';
  } else if (result.ok) {
    const promptText = [spec.row.system ?? '', ...spec.row.messages.map((message) => message.content)].join('\n');
    record.promptTokens = estimateTokens(promptText);
    record.completionTokens = completionTokens ?? 0;
    record.totalTokens = record.promptTokens + record.completionTokens;
    record.usageSource = 'estimate';
  }
  const finished: FinishedRequest = { spec, record, dispatchedAt: result.dispatchedAt, doneAt: result.doneAt, interChunkMs: timings.interChunkMs };
  return finished;
}

/**
 * The instants of a request read back from requests.csv, on its own session's clock: dispatched at
 * its schedule offset plus its queue wait, done its latency later (a row without them has none).
 */
export function storedRowWindow(record: RequestRecord): { dispatchedAt?: number; doneAt?: number } {
  if (record.schedOffsetMs === undefined || record.queueMs === undefined) return {};
  const dispatchedAt = record.schedOffsetMs + record.queueMs;
  return record.latencyMs !== undefined ? { dispatchedAt, doneAt: dispatchedAt + record.latencyMs } : { dispatchedAt };
}
