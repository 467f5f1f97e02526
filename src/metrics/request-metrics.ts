/**
 * Per-request metrics from the instants of one request (metrics.md, "Per-request metrics"; metrics
 * definition version 2 in the README). Pure: the caller supplies the instants, all on the monotonic
 * clock in milliseconds.
 *
 * Reasoning models (version 2): `ttfrt` is the first reasoning event minus dispatch; TTFT stays the
 * first ANSWER event. Reasoning is decoded before the first answer token, so TPOT and decode_tps
 * count answer tokens only: (t_last_tok - t_first_tok) / (completion_tokens - reasoning_tokens - 1).
 */
export interface RequestInstants {
  /** When the request should have started (first attempt). */
  schedAt: number;
  /** First attempt's dispatch. */
  dispatchedAt: number;
  /** Arrival of each answer-text-bearing event of the final attempt. */
  textEventTimes: readonly number[];
  /** Arrival of the final attempt's first reasoning event, if any. */
  firstReasoningAt?: number;
  /** End of the final attempt. */
  doneAt: number;
  /** Whether the request streamed: TTFT only exists for streams. */
  stream: boolean;
  completionTokens?: number;
  /** Of completionTokens, the reasoning ones (decoded before t_first_tok). */
  reasoningTokens?: number;
}

export interface DerivedTimings {
  queueMs: number;
  latencyMs: number;
  latencySchedMs: number;
  ttftMs?: number;
  ttftSchedMs?: number;
  /** Time to first reasoning token (streaming reasoning models only). */
  ttfrtMs?: number;
  tpotMs?: number;
  decodeTps?: number;
  interChunkMs: number[];
}

export function deriveTimings(instants: RequestInstants): DerivedTimings {
  const { schedAt, dispatchedAt, textEventTimes, doneAt, stream, firstReasoningAt } = instants;
  // The answer's own tokens: what was decoded between the first and the last answer event.
  const answerTokens = instants.completionTokens === undefined ? undefined : instants.completionTokens - (instants.reasoningTokens ?? 0);
  const timings: DerivedTimings = {
    queueMs: dispatchedAt - schedAt,
    latencyMs: doneAt - dispatchedAt,
    latencySchedMs: doneAt - schedAt,
    interChunkMs: [],
  };
  if (stream && firstReasoningAt !== undefined) timings.ttfrtMs = firstReasoningAt - dispatchedAt;
  const first = textEventTimes[0];
  const last = textEventTimes.at(-1);
  if (!stream || first === undefined || last === undefined) return timings;
  timings.ttftMs = first - dispatchedAt;
  timings.ttftSchedMs = first - schedAt;
  for (let i = 1; i < textEventTimes.length; i++) timings.interChunkMs.push((textEventTimes[i] as number) - (textEventTimes[i - 1] as number));
  const decodeMs = last - first;
  // With a single text event nothing of the decode was observed (v1 may send a whole answer as one
  // sentence), so tpot stays undefined rather than reading as 0.
  if (answerTokens !== undefined && answerTokens >= 2 && textEventTimes.length >= 2 && decodeMs > 0) {
    timings.tpotMs = decodeMs / (answerTokens - 1);
    timings.decodeTps = (answerTokens - 1) / (decodeMs / 1000);
  }
  return timings;
}
