/**
 * Delivering a generated answer on its schedule: as SSE events one sentence at a time, or as one
 * JSON body when the last sentence would have been written. Mid-stream faults act here (see the
 * table at the top of faults.ts).
 */
import type { ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import type { Cancel, DeadlineTimers } from './deadlines.js';
import { GARBAGE_JSON_BODY, GARBAGE_SSE_LINE, MID_STREAM_ERROR, MID_STREAM_FAULTS } from './faults.js';
import type { GeneratedAnswer } from './generator.js';
import type { FaultKind } from './options.js';
import { streamEvent, syncBody, V1_ANSWER_HEADERS, V1_JSON_HEADERS, type AnswerFlags, type AnswerMeta } from './responses.js';

export interface AnswerPlan {
  meta: AnswerMeta;
  answer: GeneratedAnswer;
  promptTokens: number;
  /** Monotonic instant the request arrived; offsets count from it. */
  arrival: number;
  /** Offset of each sentence's write (ms since arrival). */
  offsets: number[];
  /** Decode time of one more token, for the empty final event a mid-stream fault may append. */
  oneTokenMs: number;
  fault: FaultKind | undefined;
  stallMs: number;
  /** Quota headers as of the moment the response starts. */
  headers: () => Record<string, string>;
}

export interface AnswerHooks {
  /** The first text event was written (streaming only), `plannedMs` after arrival by the schedule. */
  onFirstText: (at: number, plannedMs: number) => void;
  /** The whole answer was delivered; usage may be counted and completion tokens charged. */
  onComplete: (completionTokens: number) => void;
}

interface PlannedEvent {
  text: string;
  offset: number;
}

/** Sentences as events, plus an empty closing event when a mid-stream fault needs a second event. */
function plannedEvents(plan: Omit<AnswerPlan, 'meta'>): PlannedEvent[] {
  const events = plan.answer.sentences.map((sentence, index) => ({ text: sentence.text, offset: plan.offsets[index] ?? 0 }));
  const first = events[0];
  if (first && events.length === 1 && plan.fault && MID_STREAM_FAULTS.has(plan.fault)) {
    events.push({ text: '', offset: first.offset + plan.oneTokenMs });
  }
  return events;
}

/**
 * How one protocol frames an answer: v1 writes `data: {…}` events with sentence ids and an
 * `is_end` flag, v2 writes OpenAI chunks and `[DONE]`. The schedule, the faults and the hooks are
 * the same for both (deliverStream / deliverSync below).
 */
export interface AnswerFraming {
  /** The bytes of event `index` (the last one when `isEnd`). */
  event(index: number, text: string, isEnd: boolean): string;
  /** What ends a stream that fails after its first event (v1: a bare JSON line). */
  midStreamError(): string;
  /** The whole answer as one body. */
  syncBody(): unknown;
  /** The error body (and status) a non-stream request gets for a mid-stream error. */
  syncError(): { status: number; body: unknown };
  /** Headers of the JSON bodies above beside the quota's (v1: the platform's content type and statement). */
  jsonHeaders?: { answer: Readonly<Record<string, string>>; error: Readonly<Record<string, string>> };
}

/**
 * v1 framing (qianfan-api.md 4.1-4.3). `banRound` is set when the input was judged unsafe
 * (unsafe-input.ts): the answer then says need_clear_history and which turn.
 */
export function v1Framing(plan: AnswerPlan, banRound?: number): AnswerFraming {
  const { meta, answer, promptTokens } = plan;
  const flags: AnswerFlags = { finishReason: answer.finishReason, isTruncated: answer.truncated };
  if (banRound !== undefined) flags.banRound = banRound;
  return {
    event: (index, text, isEnd) => streamEvent(meta, index, text, isEnd, flags, promptTokens, answer.completionTokens),
    midStreamError: () => `${JSON.stringify({ ...MID_STREAM_ERROR, id: meta.id })}\n`,
    syncBody: () => syncBody(meta, answer.text, flags, promptTokens, answer.completionTokens),
    syncError: () => ({ status: 200, body: { ...MID_STREAM_ERROR, id: meta.id } }),
    jsonHeaders: { answer: V1_ANSWER_HEADERS, error: V1_JSON_HEADERS },
  };
}

/** Streams the answer; returns a function that cancels whatever write is still pending. */
export function deliverStream(res: ServerResponse, plan: Omit<AnswerPlan, 'meta'>, framing: AnswerFraming, timers: DeadlineTimers, hooks: AnswerHooks): Cancel {
  const events = plannedEvents(plan);
  const { answer, fault } = plan;
  let cancelPending: Cancel = () => {};
  // A cut must not overtake the bytes it follows: destroying a socket drops writes still queued
  // (the response corks the socket until the next tick), so the cut waits for them to flush.
  let unflushedWrites = 0;
  let cutWhenFlushed = false;
  const send = (chunk: string): void => {
    unflushedWrites++;
    res.write(chunk, () => {
      unflushedWrites--;
      if (cutWhenFlushed && unflushedWrites === 0) res.destroy();
    });
  };

  const deadlineOf = (index: number): number => plan.arrival + (events[index]?.offset ?? 0) + (fault === 'stall' && index >= 1 ? plan.stallMs : 0);

  const writeEvent = (index: number): void => {
    const event = events[index];
    if (!event || res.destroyed) return;
    if (index === 1 && fault === 'cutMidStream') {
      if (unflushedWrites === 0) res.destroy();
      else cutWhenFlushed = true;
      return;
    }
    if (index === 1 && fault === 'midStreamError') {
      res.end(framing.midStreamError());
      return;
    }
    const isEnd = index === events.length - 1;
    if (index === 0) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', ...plan.headers() });
    }
    send(framing.event(index, event.text, isEnd));
    if (index === 0) {
      hooks.onFirstText(now(), event.offset);
      if (fault === 'garbageSse') send(GARBAGE_SSE_LINE);
    }
    if (isEnd) {
      res.end();
      hooks.onComplete(answer.completionTokens);
      return;
    }
    schedule(index + 1);
  };

  // An overdue deadline runs its write synchronously and that write schedules the next one, so
  // only a timer that is still pending may become the one to cancel.
  function schedule(index: number): void {
    let ran = false;
    const cancel = timers.at(deadlineOf(index), () => {
      ran = true;
      writeEvent(index);
    });
    if (!ran) cancelPending = cancel;
  }

  schedule(0);
  return () => cancelPending();
}

/** What an answer is counted against: its quota (completion tokens), the usage totals, the first-chunk log. */
export interface AnswerAccounting {
  arrival: number;
  promptTokens: number;
  quota: { chargeCompletion(completionTokens: number, now: number): void };
  stats: { promptTokens: number; completionTokens: number };
  recordFirstChunk(delayMs: number, plannedMs: number): void;
}

/** Delivers the answer as a stream or one body, counting it as it completes (v1 and v2 alike). */
export function deliverAnswer(
  res: ServerResponse,
  plan: Omit<AnswerPlan, 'meta'>,
  framing: AnswerFraming,
  timers: DeadlineTimers,
  stream: boolean,
  account: AnswerAccounting,
): Cancel {
  const hooks: AnswerHooks = {
    onFirstText: (at, plannedMs) => account.recordFirstChunk(at - account.arrival, plannedMs),
    onComplete: (completionTokens) => {
      account.quota.chargeCompletion(completionTokens, now());
      account.stats.promptTokens += account.promptTokens;
      account.stats.completionTokens += completionTokens;
    },
  };
  return stream ? deliverStream(res, plan, framing, timers, hooks) : deliverSync(res, plan, framing, timers, hooks);
}

/** Sends the whole answer as one JSON body when its last sentence would have been written. */
export function deliverSync(res: ServerResponse, plan: Omit<AnswerPlan, 'meta'>, framing: AnswerFraming, timers: DeadlineTimers, hooks: AnswerHooks): Cancel {
  const events = plannedEvents(plan);
  const { answer, fault } = plan;
  const lastOffset = events[events.length - 1]?.offset ?? 0;
  // The moment a stream would have broken: when its second event was due.
  const breakOffset = events[1]?.offset ?? lastOffset;

  if (fault === 'cutMidStream') return timers.at(plan.arrival + breakOffset, () => res.destroy());
  if (fault === 'midStreamError') {
    return timers.at(plan.arrival + breakOffset, () => {
      const error = framing.syncError();
      sendJson(res, error.body, { ...plan.headers(), ...framing.jsonHeaders?.error }, error.status);
    });
  }
  const delay = lastOffset + (fault === 'stall' ? plan.stallMs : 0);
  return timers.at(plan.arrival + delay, () => {
    if (res.destroyed) return;
    const headers = { ...plan.headers(), ...framing.jsonHeaders?.answer };
    if (fault === 'garbageSse') {
      sendRaw(res, 200, GARBAGE_JSON_BODY, headers);
      return;
    }
    sendJson(res, framing.syncBody(), headers);
    hooks.onComplete(answer.completionTokens);
  });
}

export function sendJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}, status = 200): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}
