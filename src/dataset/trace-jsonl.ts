/**
 * JSONL traces, one arrival per line. Mooncake's keys are a subset of ours:
 *   timestamp      milliseconds (a number; Mooncake counts from its first request) or an ISO 8601 time  } one of
 *   offset_ms      milliseconds after the trace's start                                               } the two
 *   input_length   tokens of a synthetic prompt                           } or a prompt of its own:
 *   hash_ids       Mooncake's prompt blocks (512 tokens each): arrivals   } prompt / messages /
 *                  sharing ids share that part of their prompt            } system / vars (as datasets)
 *   output_length  tokens: the request's max output tokens
 *   id, assert, metadata   as in JSONL datasets
 * A line with only a time takes its prompt from -d. Errors are `FILE:LINE: …`, as datasets' are.
 */
import { datasetError } from '../errors.js';
import { at, describeValue, isPlainObject, quoteList } from './common.js';
import { parseJsonLine, parseJsonlRecord } from './jsonl.js';
import { MAX_TRACE_INPUT_TOKENS, MAX_TRACE_TIME_MS, type TraceContent } from './trace-types.js';

const TIME_KEYS = ['timestamp', 'offset_ms'] as const;
const LENGTH_KEYS = ['input_length', 'output_length', 'hash_ids'] as const;
const ROW_KEYS = ['id', 'prompt', 'messages', 'system', 'vars', 'assert', 'metadata'] as const;
const KEYS: readonly string[] = [...TIME_KEYS, ...LENGTH_KEYS, ...ROW_KEYS];
const MOONCAKE_KEYS: readonly string[] = ['timestamp', ...LENGTH_KEYS];

export interface TraceJsonlLine {
  /** Milliseconds on the trace's own clock (not yet relative to its first line). */
  timeMs: number;
  /** `offset_ms` counts from the trace's start; `timestamp` from whatever the trace's clock counts. */
  timeKey: 'timestamp' | 'offset_ms';
  content: TraceContent;
  /** The line uses Mooncake's keys only. */
  mooncake: boolean;
}

/** Parses one non-blank trace line. */
export function parseTraceJsonlLine(text: string, file: string, line: number): TraceJsonlLine {
  const fail = (message: string): never => {
    throw datasetError(at(file, line), message);
  };
  const value = parseJsonLine(text, file, line);
  if (!isPlainObject(value))
    return fail(`expected a JSON object such as {"timestamp": 0, "input_length": 512, "output_length": 64}; got ${describeValue(value)}`);
  for (const key of Object.keys(value))
    if (!KEYS.includes(key)) fail(`unknown key ${JSON.stringify(key)} in a trace line; allowed keys are ${quoteList(KEYS)}`);

  const { timeMs, timeKey } = timeOf(value, fail);
  const outputTokens = value['output_length'] !== undefined ? tokenCount(value['output_length'], 'output_length', 0, fail) : undefined;
  const hasRow = value['prompt'] !== undefined || value['messages'] !== undefined;
  const mooncake = Object.keys(value).every((key) => MOONCAKE_KEYS.includes(key)) && typeof value['timestamp'] === 'number';
  let content: TraceContent;
  if (value['input_length'] !== undefined) {
    if (hasRow) fail('has both "input_length" and a "prompt" or "messages"; give token lengths or a prompt, not both');
    const inputTokens = tokenCount(value['input_length'], 'input_length', 1, fail);
    if (inputTokens > MAX_TRACE_INPUT_TOKENS) fail(`"input_length" is ${inputTokens} tokens; at most ${MAX_TRACE_INPUT_TOKENS} (above any model's input)`);
    content = { kind: 'lengths', inputTokens, ...(outputTokens !== undefined ? { outputTokens } : {}), ...hashIdsOf(value['hash_ids'], fail) };
  } else if (hasRow) {
    if (value['hash_ids'] !== undefined) fail('"hash_ids" describes the blocks of a synthetic prompt; it needs "input_length", not a "prompt"');
    const rest: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if ((ROW_KEYS as readonly string[]).includes(key)) rest[key] = item;
    content = { kind: 'row', row: parseJsonlRecord(JSON.stringify(rest), file, line), ...(outputTokens !== undefined ? { outputTokens } : {}) };
  } else {
    const extra = Object.keys(value).filter((key) => !(TIME_KEYS as readonly string[]).includes(key) && key !== 'id');
    if (extra.length > 0)
      fail(`has ${quoteList(extra)} but no "input_length", "prompt" or "messages"; a line of a time alone has only "timestamp" or "offset_ms"`);
    content = { kind: 'time' };
  }
  return { timeMs, timeKey, content, mooncake };
}

function timeOf(value: Record<string, unknown>, fail: (message: string) => never): Pick<TraceJsonlLine, 'timeMs' | 'timeKey'> {
  const { timestamp, offset_ms: offset } = value;
  const tooLate = (key: string, ms: number): never => fail(`"${key}" is ${ms} ms; at most ${MAX_TRACE_TIME_MS} ms (the year 2286)`);
  if (timestamp !== undefined && offset !== undefined) return fail('has both "timestamp" and "offset_ms"; give one');
  if (offset !== undefined) {
    if (typeof offset !== 'number' || !Number.isFinite(offset) || offset < 0)
      return fail(`"offset_ms" must be milliseconds >= 0; got ${describeValue(offset)}`);
    if (offset > MAX_TRACE_TIME_MS) return tooLate('offset_ms', offset);
    return { timeMs: offset, timeKey: 'offset_ms' };
  }
  if (typeof timestamp === 'number' && Number.isFinite(timestamp) && timestamp >= 0) {
    if (timestamp > MAX_TRACE_TIME_MS) return tooLate('timestamp', timestamp);
    return { timeMs: timestamp, timeKey: 'timestamp' };
  }
  if (typeof timestamp === 'string') {
    // Only a full ISO 8601 time: Date.parse takes far looser text than that.
    const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
    if (Number.isFinite(parsed)) return parsed > MAX_TRACE_TIME_MS ? tooLate('timestamp', parsed) : { timeMs: parsed, timeKey: 'timestamp' };
  }
  if (timestamp === undefined) return fail('has no "timestamp" (milliseconds, or an ISO 8601 time) or "offset_ms"; every trace line needs its time');
  return fail(`"timestamp" must be milliseconds >= 0 or an ISO 8601 time with a zone (2026-01-31T08:00:00.250Z); got ${describeValue(timestamp)}`);
}

function tokenCount(value: unknown, key: string, min: number, fail: (message: string) => never): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    return fail(`"${key}" must be a whole number of tokens >= ${min}; got ${describeValue(value)}`);
  return value;
}

function hashIdsOf(value: unknown, fail: (message: string) => never): { hashIds?: number[] } {
  if (value === undefined) return {};
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0)) {
    return fail(`"hash_ids" must be an array of whole numbers >= 0; got ${describeValue(value)}`);
  }
  return { hashIds: value as number[] };
}
