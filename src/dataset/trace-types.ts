/** One arrival of a trace file, as read: when it came and what it asked, before prompts are made. */
import type { DatasetRow, RowSource } from './types.js';

/** The most input tokens an arrival may ask for: above any catalog model's input; a synthetic prompt is built in memory. */
export const MAX_TRACE_INPUT_TOKENS = 1_000_000;

/** The latest time a trace may give (1e13 ms, the year 2286): later is a typo, and would overflow the run's time span. */
export const MAX_TRACE_TIME_MS = 1e13;

/** The trace formats `--trace` reads; `jsonl` is ours, a superset of Mooncake's keys. */
export type TraceFormat = 'jsonl' | 'mooncake' | 'burstgpt';

/** What one arrival sends. */
export type TraceContent =
  /** A prompt or messages of its own (our JSONL), optionally with an output length. */
  | { kind: 'row'; row: DatasetRow; outputTokens?: number }
  /** Token lengths: a synthetic prompt of `inputTokens`, `max_output_tokens` from `outputTokens`. */
  | { kind: 'lengths'; inputTokens: number; outputTokens?: number; hashIds?: number[] }
  /** Only a time: the prompt comes from `-d`, in order. */
  | { kind: 'time' };

export interface TraceArrival {
  /** Milliseconds after the trace's first arrival (before --trace-speed). */
  offsetMs: number;
  source: RowSource;
  content: TraceContent;
}

export interface LoadedTrace {
  file: string;
  format: TraceFormat;
  /** In time order (a trace whose timestamps go back is refused, naming the line). */
  arrivals: TraceArrival[];
  /** Lines skipped as the format says they should be (BurstGPT failures), with why. */
  skipped?: { count: number; reason: string };
}
