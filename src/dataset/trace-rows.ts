/**
 * A loaded trace as the rows a plan sends and the instant each is due. A line with token lengths
 * becomes a synthetic prompt with `maxOutputTokens` from its output length (held within the
 * targets' output range: a longer output is clipped to the cap, and counted); a line with a prompt
 * is its own row; a line with only a time takes the next row of the `-d` datasets, in file order,
 * cycling (its `repeat` counts the cycles, so row id and repeat stay one key per request).
 */
import { basename } from 'node:path';
import { datasetError } from '../errors.js';
import { syntheticPrompt } from './trace-prompt.js';
import type { LoadedTrace } from './trace-types.js';
import type { DatasetRow } from './types.js';

/** The output lengths a request may ask for: below `min` is raised to it, above `max` clipped. */
export interface OutputBounds {
  min: number;
  max?: number;
  /** Whose cap `max` is, for the warning: `ERNIE-Speed-8K`. */
  maxOwner?: string;
}

export interface TraceRow {
  row: DatasetRow;
  /** Due this long after the run's start (after --trace-speed). */
  offsetMs: number;
  /** Which pass over the -d rows a time-only arrival takes its row from (0 otherwise). */
  repeat: number;
}

export interface TraceRows {
  rows: TraceRow[];
  /** Output lengths above the cap, clipped to it. */
  clipped: number;
  /** Output lengths below the minimum, raised to it. */
  raised: number;
  /** Every line had only a time: the prompts came from -d. */
  fromDatasets: boolean;
}

export function traceRows(trace: LoadedTrace, options: { speed: number; datasetRows: readonly DatasetRow[]; output: OutputBounds }): TraceRows {
  const { speed, datasetRows, output } = options;
  if (!(speed > 0)) throw new RangeError(`trace speed must be > 0, got ${speed}`);
  const timeOnly = trace.arrivals[0]?.content.kind === 'time';
  if (timeOnly && datasetRows.length === 0) {
    throw datasetError(trace.file, 'the trace has times only; give the prompts with -d FILE (its rows are sent in order, one per arrival)');
  }
  if (!timeOnly && datasetRows.length > 0) {
    throw datasetError(trace.file, 'the trace brings its own prompts or token lengths; drop -d, or replay a trace of times alone with -d giving the prompts');
  }
  let clipped = 0;
  let raised = 0;
  const bounded = (tokens: number): number => {
    if (output.max !== undefined && tokens > output.max) {
      clipped++;
      return output.max;
    }
    if (tokens < output.min) {
      raised++;
      return output.min;
    }
    return tokens;
  };
  const name = basename(trace.file);
  const rows = trace.arrivals.map((arrival, index): TraceRow => {
    const offsetMs = arrival.offsetMs / speed;
    const { content, source } = arrival;
    if (content.kind === 'time') {
      const row = datasetRows[index % datasetRows.length] as DatasetRow;
      return { row, offsetMs, repeat: Math.floor(index / datasetRows.length) };
    }
    if (content.kind === 'row') {
      const row: DatasetRow = content.outputTokens !== undefined ? { ...content.row, maxOutputTokens: bounded(content.outputTokens) } : content.row;
      return { row, offsetMs, repeat: 0 };
    }
    const { inputTokens, hashIds } = content;
    // Made each time it is read (the same text every time), so a trace of a million arrivals does not hold a million prompts.
    const message = {
      role: 'user' as const,
      get content(): string {
        return syntheticPrompt(inputTokens, source.line, hashIds);
      },
    };
    const row: DatasetRow = { id: `${name}#${source.line}`, source, messages: [message], vars: {} };
    if (content.outputTokens !== undefined) row.maxOutputTokens = bounded(content.outputTokens);
    return { row, offsetMs, repeat: 0 };
  });
  return { rows, clipped, raised, fromDatasets: timeOnly };
}
