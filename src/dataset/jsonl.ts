/**
 * JSONL / NDJSON datasets: one JSON object per line, read as a stream so big files work.
 *
 * A record has keys among:
 *   id        string or number (→ string); `<basename>#<line>` when absent
 *   prompt    string: one user message                 } exactly one of the two
 *   messages  [{role, content}, …], roles user/assistant }
 *             (OpenAI style: a first `system` message becomes `system`, unless `system` is given)
 *   system    string; omitted from the row when blank
 *   vars      {name: string | number | boolean}: template variables (→ strings)
 *   assert    an array, kept as `asserts` for the assertion feature
 *   threshold a number: the score (0..1) the row's answers must reach, for the assertion feature
 *   metadata  an object, ignored
 * `{{name}}` in prompt, system and every message content is replaced from `vars`.
 * The conversation must end with a `user` message (the one the model answers); the rest of the
 * shape (alternation, …) is left to the request validator.
 *
 * Lines are physical lines, 1-based; blank lines are skipped. Every error is `FILE:LINE: …`
 * (`FILE:LINE:COLUMN` for invalid JSON when the parser reports a position).
 * A line containing U+FFFD is taken as a sign of a non-UTF-8 file (GBK, UTF-16, …): the
 * stream decoder substitutes that character for bytes it cannot decode.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { datasetError } from '../errors.js';
import { IdRegistry, NOT_UTF8_HINT, assertReadableFile, at, defaultId, describeValue, fileError, isPlainObject, quoteList, stripBom } from './common.js';
import { LITERAL_BRACES_HINT, renderTemplate } from './template.js';
import type { ChatMessage, DatasetRow } from './types.js';

const KEYS = ['id', 'prompt', 'messages', 'system', 'vars', 'assert', 'threshold', 'metadata'] as const;
const MESSAGE_KEYS = ['role', 'content'];
const ROLES = ['user', 'assistant', 'system'];

/** Streams and parses a JSONL dataset file. */
export async function loadJsonl(file: string): Promise<DatasetRow[]> {
  await assertReadableFile(file);
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const rows: DatasetRow[] = [];
  const ids = new IdRegistry(file);
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      const text = lineNumber === 1 ? stripBom(raw) : raw;
      if (text.trim() === '') continue;
      if (text.includes('\uFFFD')) throw datasetError(at(file, lineNumber), NOT_UTF8_HINT);
      const row = parseJsonlRecord(text, file, lineNumber);
      ids.add(row.id, lineNumber);
      rows.push(row);
    }
  } catch (error) {
    throw fileError(file, error);
  } finally {
    lines.close();
    input.destroy();
  }
  if (rows.length === 0) throw datasetError(file, 'the file has no records (it is empty or blank)');
  return rows;
}

/**
 * One line of a JSON Lines file (a dataset, a trace, sessions) as JSON, or a dataset error at
 * FILE:LINE:COLUMN that explains the parser's complaint without echoing the line back.
 */
export function parseJsonLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { reason, column } = explainJsonError(error, text);
    throw datasetError(at(file, line, column), `invalid JSON: ${reason}; each line must be one complete JSON object`);
  }
}

/** Parses one non-blank JSONL line into a row (ids are not checked for duplicates here). */
export function parseJsonlRecord(text: string, file: string, line: number): DatasetRow {
  const where = at(file, line);
  const fail = (message: string): never => {
    throw datasetError(where, message);
  };

  const value = parseJsonLine(text, file, line);
  if (!isPlainObject(value)) {
    const array = Array.isArray(value) ? ' (a .jsonl file holds one object per line, not a JSON array)' : '';
    return fail(`expected a JSON object such as {"prompt": "…"}; got ${describeValue(value)}${array}`);
  }
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      fail(`unknown key ${JSON.stringify(key)}; allowed keys are ${quoteList(KEYS)}`);
    }
  }
  const { id, prompt, messages, system, vars, assert, threshold, metadata } = value;

  // id
  let rowId: string;
  if (id === undefined) rowId = defaultId(file, line);
  else if (typeof id === 'number' && Number.isFinite(id)) rowId = String(id);
  else if (typeof id === 'string' && id.trim() !== '') rowId = id.trim();
  else return fail(`"id" must be a non-empty string or a number; got ${describeValue(id)}`);

  // vars
  const rowVars: Record<string, string> = {};
  if (vars !== undefined) {
    if (!isPlainObject(vars)) return fail(`"vars" must be an object of strings, numbers or booleans; got ${describeValue(vars)}`);
    for (const [name, v] of Object.entries(vars)) {
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        rowVars[name] = String(v);
      } else {
        fail(`"vars.${name}" must be a string, number or boolean; got ${describeValue(v)}`);
      }
    }
  }
  const render = (template: string, field: string): string => {
    const result = renderTemplate(template, rowVars);
    if ('missing' in result) {
      const known = Object.keys(rowVars);
      const given = known.length === 0 ? 'the record has no "vars"' : `"vars" has ${quoteList(known)}`;
      fail(`unknown template variable ${JSON.stringify(result.missing)} in ${field}; ${given} (${LITERAL_BRACES_HINT})`);
    }
    return 'text' in result ? result.text : '';
  };

  // assert, metadata
  if (assert !== undefined && !Array.isArray(assert)) fail(`"assert" must be an array; got ${describeValue(assert)}`);
  if (threshold !== undefined && typeof threshold !== 'number') fail(`"threshold" must be a number from 0 to 1; got ${describeValue(threshold)}`);
  if (metadata !== undefined && !isPlainObject(metadata)) fail(`"metadata" must be an object; got ${describeValue(metadata)}`);

  // system
  if (system !== undefined && typeof system !== 'string') fail(`"system" must be a string; got ${describeValue(system)}`);
  let rowSystem = typeof system === 'string' ? render(system, '"system"') : undefined;

  // prompt / messages
  if (prompt !== undefined && messages !== undefined) fail('has both "prompt" and "messages"; give exactly one');
  if (prompt === undefined && messages === undefined) fail('has neither "prompt" nor "messages"; give exactly one');
  const conversation: ChatMessage[] = [];
  if (prompt !== undefined) {
    if (typeof prompt !== 'string') return fail(`"prompt" must be a non-empty string; got ${describeValue(prompt)}`);
    const content = render(prompt, '"prompt"');
    if (content.trim() === '') fail('"prompt" must be a non-empty string; it is blank');
    conversation.push({ role: 'user', content });
  } else {
    if (!Array.isArray(messages) || messages.length === 0) {
      return fail(
        `"messages" must be a non-empty array of {"role", "content"} objects; got ${Array.isArray(messages) ? 'an empty array' : describeValue(messages)}`,
      );
    }
    messages.forEach((message: unknown, i) => {
      const name = `messages[${i}]`;
      if (!isPlainObject(message)) return fail(`${name} must be an object {"role": …, "content": …}; got ${describeValue(message)}`);
      for (const key of Object.keys(message)) {
        if (!MESSAGE_KEYS.includes(key)) fail(`${name} has unknown key ${JSON.stringify(key)}; a message has only "role" and "content"`);
      }
      const { role, content } = message;
      if (typeof role !== 'string' || !ROLES.includes(role)) {
        return fail(`${name}.role must be "user", "assistant" or "system"; got ${role === undefined ? 'nothing' : describeValue(role)}`);
      }
      if (typeof content !== 'string') {
        return fail(`${name}.content must be a non-empty string; got ${content === undefined ? 'nothing' : describeValue(content)}`);
      }
      const rendered = render(content, `${name}.content`);
      if (rendered.trim() === '') fail(`${name}.content must be a non-empty string; it is blank`);
      if (role === 'system') {
        if (i > 0) fail(`${name}: a "system" message is only allowed as the first message`);
        if (system !== undefined) fail(`${name}: a "system" message cannot be combined with the top-level "system" key; keep one of them`);
        rowSystem = rendered;
        return;
      }
      conversation.push({ role: role as ChatMessage['role'], content: rendered });
    });
    const last = conversation.at(-1);
    if (last === undefined) fail('"messages" has only a "system" message; add at least one "user" message');
    else if (last.role !== 'user') {
      fail(`messages[${messages.length - 1}]: the conversation must end with a "user" message for the model to answer; got "${last.role}"`);
    }
  }

  const row: DatasetRow = {
    id: rowId,
    source: { file, line },
    messages: conversation,
    vars: rowVars,
  };
  if (rowSystem !== undefined && rowSystem.trim() !== '') row.system = rowSystem;
  if (Array.isArray(assert)) row.asserts = assert as unknown[];
  if (typeof threshold === 'number') row.threshold = threshold;
  return row;
}

/**
 * The JSON parser's reason without V8's echo of the input, and the 1-based column (in
 * characters) when the message carries a position.
 */
function explainJsonError(error: unknown, text: string): { reason: string; column?: number } {
  const message = error instanceof Error ? error.message : String(error);
  const position = /\bat position (\d+)/.exec(message)?.[1];
  let reason = message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)/, '')
    .trim();
  const endsEarly = /end of JSON input/i.test(reason) || (position !== undefined && Number(position) >= text.trimEnd().length);
  if (endsEarly && /^\s*[[{]/.test(text)) {
    reason += ' at the end of the line (a record must fit on one line; pretty-printed JSON is not JSONL)';
  }
  if (position === undefined) return { reason };
  return { reason, column: Array.from(text.slice(0, Number(position))).length + 1 };
}
