/**
 * `loadTrace`: reads a trace file (.jsonl/.ndjson: ours or Mooncake's; .csv: BurstGPT's) as a
 * stream, so a trace of millions of lines read with a limit stops early. Arrivals must be in time
 * order. Offsets count from the first arrival for `timestamp` traces and BurstGPT (their clocks
 * start anywhere); `offset_ms` counts from the start of the trace, so a leading pause is kept.
 */
import { extname } from 'node:path';
import { datasetError } from '../errors.js';
import { NOT_UTF8_HINT, assertReadableFile, at, fileError, IdRegistry, stripBom } from './common.js';
import { readFileLines } from './line-stream.js';
import { parseBurstGptHeader, parseBurstGptLine, type BurstGptColumns } from './trace-csv.js';
import { parseTraceJsonlLine } from './trace-jsonl.js';
import type { LoadedTrace, TraceArrival, TraceContent } from './trace-types.js';

export const TRACE_EXTENSIONS = ['.jsonl', '.ndjson', '.csv'] as const;

export interface TraceLoadOptions {
  /** Keep the first N arrivals (--trace-limit) and stop reading. */
  limit?: number;
}

/** One arrival as a line parser gives it: its time on the trace's clock. */
interface TimedLine {
  timeMs: number;
  timeKey: 'timestamp' | 'offset_ms';
  content: TraceContent | undefined;
  mooncake: boolean;
}

export async function loadTrace(file: string, options: TraceLoadOptions = {}): Promise<LoadedTrace> {
  const extension = extname(file).toLowerCase();
  if (!(TRACE_EXTENSIONS as readonly string[]).includes(extension)) {
    const what = extension === '' ? 'has no extension' : `has the unsupported extension "${extension}"`;
    throw datasetError(file, `the trace file ${what}; supported: .jsonl or .ndjson (ours, Mooncake's), .csv (BurstGPT's)`);
  }
  const csv = extension === '.csv';
  await assertReadableFile(file);
  const arrivals: TraceArrival[] = [];
  const ids = new IdRegistry(file);
  let header: BurstGptColumns | undefined;
  let first: { timeMs: number; timeKey: TimedLine['timeKey']; line: number } | undefined;
  let previous: { timeMs: number; line: number } | undefined;
  let timeOnly: { value: boolean; line: number } | undefined;
  let allMooncake = true;
  let failed = 0;
  try {
    for await (const { text: raw, line: lineNumber } of readFileLines(file)) {
      if (options.limit !== undefined && arrivals.length >= options.limit) break;
      const text = lineNumber === 1 ? stripBom(raw) : raw;
      if (text.trim() === '') continue;
      if (text.includes('\uFFFD')) throw datasetError(at(file, lineNumber), NOT_UTF8_HINT);
      if (csv && header === undefined) {
        header = parseBurstGptHeader(text, file, lineNumber);
        continue;
      }
      const timed: TimedLine =
        header !== undefined
          ? { ...parseBurstGptLine(text, header, file, lineNumber), timeKey: 'timestamp', mooncake: false }
          : parseTraceJsonlLine(text, file, lineNumber);
      const where = at(file, lineNumber);
      if (first !== undefined && timed.timeKey !== first.timeKey) {
        throw datasetError(where, `uses "${timed.timeKey}" where line ${first.line} uses "${first.timeKey}"; a trace counts its time one way`);
      }
      if (previous !== undefined && timed.timeMs < previous.timeMs) {
        throw datasetError(
          where,
          `the time goes back (${timed.timeMs} ms after ${previous.timeMs} ms on line ${previous.line}); a trace must be in time order`,
        );
      }
      first ??= { timeMs: timed.timeMs, timeKey: timed.timeKey, line: lineNumber };
      previous = { timeMs: timed.timeMs, line: lineNumber };
      allMooncake &&= timed.mooncake;
      if (timed.content === undefined) {
        failed++;
        continue;
      }
      const isTime = timed.content.kind === 'time';
      if (timeOnly !== undefined && timeOnly.value !== isTime) {
        throw datasetError(
          where,
          `${isTime ? 'has only a time' : 'has a prompt or token lengths'} while line ${timeOnly.line} ${timeOnly.value ? 'has only a time' : 'does not'}; ` +
            'a trace gives every line a prompt (or token lengths), or times alone (the prompts then come from -d)',
        );
      }
      timeOnly ??= { value: isTime, line: lineNumber };
      if (timed.content.kind === 'row') ids.add(timed.content.row.id, lineNumber);
      const offsetMs = timed.timeKey === 'offset_ms' ? timed.timeMs : timed.timeMs - first.timeMs;
      arrivals.push({ offsetMs, source: { file, line: lineNumber }, content: timed.content });
    }
  } catch (error) {
    throw fileError(file, error);
  }
  if (csv && header === undefined)
    throw datasetError(file, 'the file is empty; a BurstGPT-style trace needs a header row with "Timestamp", "Request tokens" and "Response tokens"');
  if (arrivals.length === 0)
    throw datasetError(
      file,
      failed > 0 ? `every one of the ${failed} arrivals is a failed request (0 tokens); nothing to replay` : 'the trace has no arrivals (it is empty or blank)',
    );
  const trace: LoadedTrace = { file, format: csv ? 'burstgpt' : allMooncake ? 'mooncake' : 'jsonl', arrivals };
  if (failed > 0) trace.skipped = { count: failed, reason: 'failed requests of the trace (0 request or 0 response tokens)' };
  return trace;
}
