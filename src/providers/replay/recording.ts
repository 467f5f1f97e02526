/**
 * Recordings for --record / --replay: `DIR/recordings.jsonl`, a header line then one line per
 * recorded answer. An answer is keyed by a SHA-256 of the request as the provider would send it,
 * minus everything that is not content: credentials (never part of a ProviderRequest anyway), the
 * base URL and the stream flag. So a recording made against the simulator on a random port, or
 * streamed, replays for the same prompts, models and parameters anywhere.
 *
 *   {"qfbench":"recording","version":1,"provider":"qianfan","simulated":false,"recordedAt":"…"}
 *   {"key":"…","rowId":"q1","model":"ERNIE-Speed-8K","repeat":0,"request":{…},"answer":{"output":"…","usage":{…},"finishReason":"normal"}}
 *
 * Only answers are replayed: an error is never (a replay would reproduce an outage, not the model).
 * A request that errored while recording is kept as an `error` line instead of an `answer`, so a
 * replay that lacks its answer can say which row it is and why, rather than blaming the prompt:
 *
 *   {"key":"…","rowId":"q2","model":"ERNIE-Speed-8K","repeat":0,"request":{…},"error":{"outcome":"failed","code":"336100","message":"…"}}
 *
 * Several answers under one key (repeats) are served in turn, in repeat order.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject } from '../../dataset/common.js';
import { configError } from '../../errors.js';
import { writeFileAtomic } from '../../util/fs-util.js';
import type { ProviderRequest, Usage } from '../types.js';

export const RECORDING_FILE = 'recordings.jsonl';
const FORMAT = 'recording';
const VERSION = 1;

export interface RecordedAnswer {
  output: string;
  /** The server's usage; absent when it gave none (qfbench then estimates, as it did live). */
  usage?: Usage;
  finishReason?: string;
}

export interface RecordingEntry {
  key: string;
  rowId: string;
  model: string;
  repeat: number;
  request: ProviderRequest;
  answer: RecordedAnswer;
}

/** Why a request got no answer while recording (its requests.csv outcome, code and message). */
export interface RecordedError {
  outcome: string;
  code?: string;
  message: string;
}

/** A recorded request that got no answer: kept to explain a replay's missing answer, never replayed. */
export interface RecordingErrorEntry extends Omit<RecordingEntry, 'answer'> {
  error: RecordedError;
}

export interface RecordingHeader {
  provider: string;
  simulated: boolean;
  recordedAt: string;
}

export interface Recording extends RecordingHeader {
  /** Answers by request key, each list in repeat order. */
  answers: Map<string, RecordedAnswer[]>;
  /** Errors while recording by request key, each list in repeat order (only to explain a missing answer). */
  errors: Map<string, RecordedError[]>;
}

/** The content of a request, in a stable order, hashed. */
export function requestKey(provider: string, request: ProviderRequest): string {
  const params = Object.fromEntries(Object.entries(request.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const content = [provider, request.api, request.model, request.endpoint, request.system ?? null, request.messages.map((m) => [m.role, m.content]), params];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The first line of a recording (a writer that appends entries as they come starts with it). */
export function recordingHeaderLine(header: RecordingHeader): string {
  return JSON.stringify({ qfbench: FORMAT, version: VERSION, ...header });
}

export async function writeRecording(dir: string, header: RecordingHeader, entries: ReadonlyArray<RecordingEntry | RecordingErrorEntry>): Promise<string> {
  const path = join(dir, RECORDING_FILE);
  const lines = [recordingHeaderLine(header), ...entries.map((entry) => JSON.stringify(entry))];
  await writeFileAtomic(path, `${lines.join('\n')}\n`);
  return path;
}

export async function readRecording(dir: string): Promise<Recording> {
  const path = join(dir, RECORDING_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw configError(
      `--replay ${dir}: ${missing ? `no ${RECORDING_FILE} there; make one with --record ${dir}` : `cannot read ${path}: ${(error as Error).message}`}`,
    );
  }
  const lines = text.split('\n');
  // A recording run killed mid-write leaves its last entry cut (no line end): that entry is not one.
  if (!text.endsWith('\n') && lines.length > 1 && !isJsonObject(lines[lines.length - 1] ?? '')) lines.pop();
  const fail = (line: number, why: string): never => {
    throw configError(`${path}:${line}: ${why}; record again with --record`);
  };
  const header = parseLine(lines[0] ?? '', 1, fail);
  if (header['qfbench'] !== FORMAT || header['version'] !== VERSION) fail(1, `not a qfbench recording of version ${VERSION}`);
  const entries: Array<RecordingEntry & { line: number }> = [];
  const errorEntries: Array<RecordingErrorEntry & { line: number }> = [];
  lines.slice(1).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 2;
    const entry = parseLine(raw, line, fail) as Partial<RecordingEntry & RecordingErrorEntry>;
    const answer = entry.answer as Partial<RecordedAnswer> | undefined;
    if (typeof entry.key !== 'string' || typeof entry.repeat !== 'number') fail(line, 'an entry needs key, repeat and answer.output');
    if (answer === undefined && isPlainObject(entry.error)) {
      const error = entry.error as unknown as Record<string, unknown>;
      const recorded: RecordedError = { outcome: String(error['outcome'] ?? 'failed'), message: String(error['message'] ?? '') };
      if (error['code'] !== undefined) recorded.code = String(error['code']);
      errorEntries.push({ ...(entry as RecordingErrorEntry), error: recorded, line });
      return;
    }
    if (typeof answer?.output !== 'string') fail(line, 'an entry needs key, repeat and answer.output');
    entries.push({ ...(entry as RecordingEntry), line });
  });
  const byRepeat = (a: { repeat: number; line: number }, b: { repeat: number; line: number }): number => a.repeat - b.repeat || a.line - b.line;
  const answers = new Map<string, RecordedAnswer[]>();
  for (const entry of latestPerRepeat(entries).sort(byRepeat)) {
    const list = answers.get(entry.key) ?? [];
    list.push(entry.answer);
    answers.set(entry.key, list);
  }
  const errors = new Map<string, RecordedError[]>();
  for (const entry of latestPerRepeat(errorEntries).sort(byRepeat)) errors.set(entry.key, [...(errors.get(entry.key) ?? []), entry.error]);
  return { provider: String(header['provider']), simulated: header['simulated'] === true, recordedAt: String(header['recordedAt'] ?? ''), answers, errors };
}

function parseLine(text: string, line: number, fail: (line: number, why: string) => never): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainObject(value)) return value;
  } catch {
    // Reported below.
  }
  return fail(line, 'not a JSON object');
}

function isJsonObject(text: string): boolean {
  try {
    return isPlainObject(JSON.parse(text));
  } catch {
    return false;
  }
}

/**
 * One entry per request and repeat: a later line supersedes an earlier one. A run killed between
 * recording an answer and writing its row sends that request again on --resume, and records it again.
 */
function latestPerRepeat<Entry extends { key: string; repeat: number; line: number }>(entries: readonly Entry[]): Entry[] {
  const latest = new Map<string, Entry>();
  for (const entry of entries) {
    const id = `${entry.repeat}\u0000${entry.key}`;
    const seen = latest.get(id);
    if (seen === undefined || seen.line < entry.line) latest.set(id, entry);
  }
  return [...latest.values()];
}
