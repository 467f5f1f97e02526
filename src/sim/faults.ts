/**
 * Fault injection: the failures a client of the real service meets, on demand.
 *
 * Dice: each kind in `SimOptions.faults` is rolled independently, in the order of FAULT_KINDS, with
 * the per-request random stream (seed + request counter), so a rate of 0.1 faults about one request
 * in ten and the same seed faults the same requests. Every die is always rolled (so the rates do not
 * interfere) and the first that hits applies: at most one fault per request. Faults are decided after
 * the request passed auth, validation and quota admission (it is charged to the quota).
 *
 * Directives: the last user message may carry one directive that overrides the dice:
 *   [[sim:error=CODE]]  answer the v1 error CODE (HTTP 200, application/json, even for a stream),
 *                       before quota admission (it is not charged); the message comes from
 *                       ERROR_MESSAGES in responses.ts, "simulated error CODE" for unknown codes.
 *   [[sim:fault=KIND]]  apply fault KIND (one of FAULT_KINDS) to this request. Unknown kinds are ignored.
 *
 * What each fault does:
 *   http500             HTTP 500, JSON {"error_code":336000,"error_msg":"Internal error"}, immediately.
 *   busy                HTTP 200, error 336100 "server high load, please try again later", immediately.
 *   resetBeforeHeaders  the socket is destroyed without any answer, immediately.
 *   jsonInsteadOfStream the stream request is answered with application/json error 336100, immediately
 *                       (a non-streaming request gets the same body, i.e. it behaves like busy).
 *   cutMidStream        after the first sentence event the socket is destroyed (at the time the
 *                       next event was due). Non-stream: the socket is destroyed at that same
 *                       moment, before any byte of the answer.
 *   garbageSse          after the first sentence a line `data: {not json` and a blank line, then the
 *                       stream goes on normally. Non-stream: when the answer is due, the body is
 *                       `{not json` with content-type application/json.
 *   midStreamError      after the first sentence (when the next event was due) a bare line
 *                       {"error_code":336003,"error_msg":"the max length of current question is 2000","id":…}
 *                       without `data:`, then the response ends. Non-stream: that error body as
 *                       JSON, at the same moment.
 *   stall               after the first sentence the stream pauses stallMs, then goes on. Non-stream:
 *                       the whole answer comes stallMs late.
 * A mid-stream fault on an answer of one sentence appends an empty final event (is_end true,
 * result "") so the fault still lands between two events, as real streams can end that way.
 */
import type { Random } from '../util/random.js';
import { FAULT_KINDS, type FaultKind } from './options.js';

export type Directive = { kind: 'error'; code: number } | { kind: 'fault'; fault: FaultKind };

const DIRECTIVE = /\[\[sim:(error|fault)=([A-Za-z0-9_]+)\]\]/;

export function parseDirective(text: string): Directive | undefined {
  const match = DIRECTIVE.exec(text);
  if (!match) return undefined;
  const [, kind, value = ''] = match;
  if (kind === 'error') {
    const code = Number(value);
    return /^\d+$/.test(value) && Number.isSafeInteger(code) ? { kind: 'error', code } : undefined;
  }
  return (FAULT_KINDS as readonly string[]).includes(value) ? { kind: 'fault', fault: value as FaultKind } : undefined;
}

export function rollFault(random: Random, rates: Partial<Record<FaultKind, number>>): FaultKind | undefined {
  let chosen: FaultKind | undefined;
  for (const kind of FAULT_KINDS) {
    const hit = random() < (rates[kind] ?? 0);
    if (hit && chosen === undefined) chosen = kind;
  }
  return chosen;
}

/** Faults that act after the first sentence rather than instead of the answer. */
export const MID_STREAM_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['cutMidStream', 'garbageSse', 'midStreamError', 'stall']);

export const GARBAGE_SSE_LINE = 'data: {not json\n\n';
export const GARBAGE_JSON_BODY = '{not json';

/** The real mid-stream error example (shared/reference/qianfan-api.md §4.3). */
export const MID_STREAM_ERROR = { error_code: 336003, error_msg: 'the max length of current question is 2000' } as const;
