/**
 * BurstGPT-style CSV traces (the Azure ChatGPT/GPT-4 trace of HPMLL/BurstGPT, release v1.1): a header
 * `Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type`, then one arrival per line.
 * `Timestamp` is seconds (from the trace's start); `Request tokens` and `Response tokens` are the
 * input and output lengths. `Model`, `Total tokens` and `Log Type` are read past. A line with 0
 * request or 0 response tokens is a failed request of the trace (BurstGPT logs failures so) and is
 * skipped, and counted. Header names are matched with case and surrounding spaces ignored.
 */
import { parse } from 'csv-parse/sync';
import { datasetError } from '../errors.js';
import { at, quoteList } from './common.js';
import { MAX_TRACE_INPUT_TOKENS, MAX_TRACE_TIME_MS, type TraceContent } from './trace-types.js';

const REQUIRED = ['timestamp', 'request tokens', 'response tokens'] as const;

export interface BurstGptColumns {
  timestamp: number;
  requestTokens: number;
  responseTokens: number;
  count: number;
}

export interface BurstGptLine {
  timeMs: number;
  /** Undefined for a failed request of the trace (0 tokens), which is skipped. */
  content: Extract<TraceContent, { kind: 'lengths' }> | undefined;
}

function fieldsOf(text: string, file: string, line: number): string[] {
  // BurstGPT's cells are numbers and plain words; a quoted cell is rare enough to hand to the CSV parser.
  if (!text.includes('"')) return text.split(',');
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true }) as string[][];
  } catch (error) {
    // The parser sees this one line only: its own "at line 1" would mislead, so name the file's line.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/ at line \d+/g, '');
    throw datasetError(at(file, line), `invalid CSV: ${reason}`);
  }
  return records[0] ?? [];
}

/** Finds the columns by name in the header line. */
export function parseBurstGptHeader(text: string, file: string, line: number): BurstGptColumns {
  const fields = fieldsOf(text, file, line);
  const names = fields.map((name) => name.trim().toLowerCase());
  const indexOf = (name: string): number => names.indexOf(name);
  const missing = REQUIRED.filter((name) => indexOf(name) < 0);
  if (missing.length > 0) {
    const header = quoteList(fields.map((name) => name.trim()));
    const needed = 'a BurstGPT-style CSV trace needs the columns "Timestamp", "Request tokens" and "Response tokens"';
    throw datasetError(at(file, line), `${needed}; missing ${quoteList(missing)} (the header has ${header})`);
  }
  return { timestamp: indexOf('timestamp'), requestTokens: indexOf('request tokens'), responseTokens: indexOf('response tokens'), count: names.length };
}

export function parseBurstGptLine(text: string, columns: BurstGptColumns, file: string, line: number): BurstGptLine {
  const fields = fieldsOf(text, file, line);
  const cell = (index: number, name: string, pattern: RegExp, what: string): number => {
    const raw = (fields[index] ?? '').trim();
    if (!pattern.test(raw))
      throw datasetError(at(file, line, index + 1), `"${name}" must be ${what}; got ${raw === '' ? 'nothing' : JSON.stringify(raw.slice(0, 40))}`);
    return Number(raw);
  };
  if (fields.length < columns.count) throw datasetError(at(file, line), `expected ${columns.count} columns as in the header; got ${fields.length}`);
  const seconds = cell(columns.timestamp, 'Timestamp', /^\d+(\.\d+)?$/, 'seconds >= 0');
  const requestTokens = cell(columns.requestTokens, 'Request tokens', /^\d+$/, 'a whole number of tokens');
  const responseTokens = cell(columns.responseTokens, 'Response tokens', /^\d+$/, 'a whole number of tokens');
  if (seconds * 1000 > MAX_TRACE_TIME_MS)
    throw datasetError(at(file, line, columns.timestamp + 1), `"Timestamp" is ${seconds} s; at most ${MAX_TRACE_TIME_MS / 1000} s`);
  if (requestTokens > MAX_TRACE_INPUT_TOKENS) {
    throw datasetError(
      at(file, line, columns.requestTokens + 1),
      `"Request tokens" is ${requestTokens}; at most ${MAX_TRACE_INPUT_TOKENS} (above any model's input)`,
    );
  }
  const timeMs = seconds * 1000;
  if (requestTokens === 0 || responseTokens === 0) return { timeMs, content: undefined };
  return { timeMs, content: { kind: 'lengths', inputTokens: requestTokens, outputTokens: responseTokens } };
}
