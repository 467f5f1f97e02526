/**
 * Per-request metrics from the instants of one request (metrics.md, "Per-request metrics").
 * Pure: the caller supplies the instants, all on the monotonic clock in milliseconds.
 */
export interface RequestInstants {
  /** When the request should have started (first attempt). */
  schedAt: number;
  /** First attempt's dispatch. */
  dispatchedAt: number;
  /** Arrival of each text-bearing event of the final attempt. */
  textEventTimes: readonly number[];
  /** End of the final attempt. */
  doneAt: number;
  /** Whether the request streamed: TTFT only exists for streams. */
  stream: boolean;
  completionTokens?: number;
}

export interface DerivedTimings {
  queueMs: number;
  latencyMs: number;
  latencySchedMs: number;
  ttftMs?: number;
  ttftSchedMs?: number;
  tpotMs?: number;
  decodeTps?: number;
  interChunkMs: number[];
}

export function deriveTimings(instants: RequestInstants): DerivedTimings {
  const { schedAt, dispatchedAt, textEventTimes, doneAt, stream, completionTokens } = instants;
  const timings: DerivedTimings = {
    queueMs: dispatchedAt - schedAt,
    latencyMs: doneAt - dispatchedAt,
    latencySchedMs: doneAt - schedAt,
    interChunkMs: [],
  };
  const first = textEventTimes[0];
  const last = textEventTimes.at(-1);
  if (!stream || first === undefined || last === undefined) return timings;
  timings.ttftMs = first - dispatchedAt;
  timings.ttftSchedMs = first - schedAt;
  for (let i = 1; i < textEventTimes.length; i++) timings.interChunkMs.push((textEventTimes[i] as number) - (textEventTimes[i - 1] as number));
  const decodeMs = last - first;
  // With a single text event nothing of the decode was observed (v1 may send a whole answer as one
  // sentence), so tpot stays undefined rather than reading as 0.
  if (completionTokens !== undefined && completionTokens >= 2 && textEventTimes.length >= 2 && decodeMs > 0) {
    timings.tpotMs = decodeMs / (completionTokens - 1);
    timings.decodeTps = (completionTokens - 1) / (decodeMs / 1000);
  }
  return timings;
}
