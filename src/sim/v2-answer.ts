/**
 * Delivering a generated answer in v2 (OpenAI-compatible) framing, on exactly the schedule the v1
 * path uses (answer.ts): the same sentences at the same offsets from arrival, so a v1 and a v2
 * request for the same content have the same text, usage and cadence.
 *
 * Stream, one write per v1 event:
 *   sentence 0   a role chunk (`delta: {role: "assistant", content: ""}`) and the first text chunk,
 *                in one write (the role chunk never arrives before the text on its own)
 *   sentence i   a chunk with `delta.content`
 *   last         its text chunk, then a chunk with an empty delta and `finish_reason` ("stop" for v1
 *                "normal", "length"), then with `stream_options.include_usage` a usage-only chunk
 *                (`choices: []`), then `data: [DONE]`, all in the same write
 * Mid-stream faults act where they act on v1 (faults.ts), in v2 words: midStreamError writes
 * `data: {"error":{code:"invalid_argument",…},"id":…}` and ends without [DONE]; garbageSse writes
 * `data: {not json` after the first sentence; cutMidStream and stall as v1. A non-stream answer is
 * one `chat.completion` body when the last sentence would have been written; midStreamError then
 * answers HTTP 400 with that error at the moment the second event was due.
 */
import type { ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import { sendJson, type AnswerHooks, type AnswerPlan } from './answer.js';
import type { Cancel, DeadlineTimers } from './deadlines.js';
import { GARBAGE_JSON_BODY, GARBAGE_SSE_LINE, MID_STREAM_FAULTS } from './faults.js';
import { usage } from './responses.js';
import { V2_DONE, V2_ERRORS, v2Chunk, v2FinishReason, v2SyncBody, type V2AnswerMeta } from './v2-responses.js';

export interface V2AnswerPlan extends Omit<AnswerPlan, 'meta'> {
  meta: V2AnswerMeta;
  includeUsage: boolean;
}

interface PlannedEvent {
  text: string;
  offset: number;
}

/** Same events as the v1 path: one per sentence, plus an empty one when a one-sentence answer has a mid-stream fault. */
function plannedEvents(plan: V2AnswerPlan): PlannedEvent[] {
  const events = plan.answer.sentences.map((sentence, index) => ({ text: sentence.text, offset: plan.offsets[index] ?? 0 }));
  const first = events[0];
  if (first && events.length === 1 && plan.fault && MID_STREAM_FAULTS.has(plan.fault)) {
    events.push({ text: '', offset: first.offset + plan.oneTokenMs });
  }
  return events;
}

export function streamV2Answer(res: ServerResponse, plan: V2AnswerPlan, timers: DeadlineTimers, hooks: AnswerHooks): Cancel {
  const events = plannedEvents(plan);
  const { meta, answer, promptTokens, fault, includeUsage } = plan;
  let cancelPending: Cancel = () => {};
  let unflushedWrites = 0;
  let cutWhenFlushed = false;
  const send = (chunk: string): void => {
    unflushedWrites++;
    res.write(chunk, () => {
      unflushedWrites--;
      if (cutWhenFlushed && unflushedWrites === 0) res.destroy();
    });
  };
  const textChunk = (text: string): string => v2Chunk(meta, { delta: { content: text }, finish_reason: null }, includeUsage);

  const deadlineOf = (index: number): number =>
    plan.arrival + (events[index]?.offset ?? 0) + (fault === 'stall' && index >= 1 ? plan.stallMs : 0);

  const writeEvent = (index: number): void => {
    const event = events[index];
    if (!event || res.destroyed) return;
    if (index === 1 && fault === 'cutMidStream') {
      if (unflushedWrites === 0) res.destroy();
      else cutWhenFlushed = true;
      return;
    }
    if (index === 1 && fault === 'midStreamError') {
      res.end(`data: ${JSON.stringify({ ...V2_ERRORS.midStream().body, id: meta.id })}\n\n`);
      return;
    }
    const isEnd = index === events.length - 1;
    let chunk = '';
    if (index === 0) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', ...plan.headers() });
      chunk += v2Chunk(meta, { delta: { role: 'assistant', content: '' }, finish_reason: null }, includeUsage);
    }
    if (event.text.length > 0) chunk += textChunk(event.text);
    if (isEnd) {
      chunk += v2Chunk(meta, { delta: {}, finish_reason: v2FinishReason(answer.finishReason) }, includeUsage);
      if (includeUsage) chunk += v2Chunk(meta, undefined, true, usage(promptTokens, answer.completionTokens));
      chunk += V2_DONE;
    }
    send(chunk);
    if (index === 0) {
      hooks.onFirstText(now());
      if (fault === 'garbageSse') send(GARBAGE_SSE_LINE);
    }
    if (isEnd) {
      res.end();
      hooks.onComplete(answer.completionTokens);
      return;
    }
    schedule(index + 1);
  };

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

export function sendV2SyncAnswer(res: ServerResponse, plan: V2AnswerPlan, timers: DeadlineTimers, hooks: AnswerHooks): Cancel {
  const events = plannedEvents(plan);
  const { meta, answer, promptTokens, fault } = plan;
  const lastOffset = events[events.length - 1]?.offset ?? 0;
  const breakOffset = events[1]?.offset ?? lastOffset;

  if (fault === 'cutMidStream') return timers.at(plan.arrival + breakOffset, () => res.destroy());
  if (fault === 'midStreamError') {
    return timers.at(plan.arrival + breakOffset, () => {
      const error = V2_ERRORS.midStream();
      sendJson(res, { ...error.body, id: meta.id }, plan.headers(), error.status);
    });
  }
  const delay = lastOffset + (fault === 'stall' ? plan.stallMs : 0);
  return timers.at(plan.arrival + delay, () => {
    if (res.destroyed) return;
    if (fault === 'garbageSse') {
      if (res.headersSent) return;
      const headers = plan.headers();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(GARBAGE_JSON_BODY)), ...headers });
      res.end(GARBAGE_JSON_BODY);
      return;
    }
    sendJson(res, v2SyncBody(meta, answer.text, answer.finishReason, promptTokens, answer.completionTokens), plan.headers());
    hooks.onComplete(answer.completionTokens);
  });
}
