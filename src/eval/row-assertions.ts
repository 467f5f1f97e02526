/**
 * A dataset row's assertions, read and compiled before anything is sent (a malformed one is a
 * dataset error at FILE:LINE).
 *
 * CSV: every column whose name starts with `assert` holds assertions.
 * - `assert_TYPE` (optionally `assert_TYPE#label`, so a type can have several columns): the cell
 *   is the value, verbatim (colons, commas and line breaks included), e.g. a column
 *   `assert_contains` with `Paris`, `assert_not-regex` with `(?i)sorry`, `assert_latency-ms`
 *   with `3000`. TYPE may spell `-` as `_` (`assert_not_contains`).
 * - `assert_threshold`: the row's threshold (below), a number from 0 to 1; empty for none.
 * - any other `assert…` column (`assert`, `assert2`, `asserts`): one assertion per line of the
 *   cell, `TYPE:VALUE` with the value trimmed (`contains:Paris`, `max-length:200`), or a bare
 *   `is-json`.
 * An assertion's options follow its type in square brackets, `key=value` separated by commas or
 * semicolons: `contains[weight=2,metric=facts]:Paris` on a line, or a column
 * `assert_levenshtein[threshold=3;weight=2]` (`;` spares quoting the header; its options hold for
 * every row). An empty cell means no assertion for that row.
 *
 * JSONL: `"assert": [{"type": "contains", "value": "Paris", "weight": 2, "metric": "facts"}, …]`;
 * an item may also be the `TYPE[options]:VALUE` string of a CSV line; the row's threshold is the
 * record's `threshold` key.
 *
 * Options: `weight` (a number of 0 or more, default 1; 0 reports the assertion but never decides),
 * `metric` (a name the cell's figures are grouped by) and `threshold` (the type's own: for
 * levenshtein the most edits allowed). With a row threshold the answer passes when its score, the
 * weighted share of its assertions that passed, reaches it; without one every assertion of weight
 * above 0 must pass.
 */
import { dirname } from 'node:path';
import { isPlainObject } from '../dataset/common.js';
import type { DatasetRow } from '../dataset/types.js';
import { datasetError } from '../errors.js';
import { ASSERTION_TYPES, AssertionValueError, findAssertionType, type AssertionSubject, type Verdict } from './assertions/index.js';
import { describe as describeRaw } from './assertions/values.js';

export interface RowAssertion {
  /** The type as written, normalised: `not-contains`. */
  type: string;
  /** The expectation for reasons: `"Paris"`, `≤ 3000 ms`. */
  expectation: string;
  /** Its share of the row's score (default 1); 0 = reported, never decides. */
  weight: number;
  /** The named metric it counts towards, if any. */
  metric?: string;
  /** The finding, with `not-` already applied. */
  check(subject: AssertionSubject): Verdict;
}

/** A row's compiled checks. */
export interface RowChecks {
  assertions: RowAssertion[];
  /** The score (0..1) an answer must reach; undefined: every assertion of weight above 0 must pass. */
  threshold?: number;
}

export const NO_CHECKS: RowChecks = { assertions: [] };

interface RawAssertion {
  /** Where it was written, inside its row: `column "assert" line 2`, `assert[1]`. */
  where: string;
  type: string;
  value: unknown;
  options: RawOptions;
}

interface RawOptions {
  weight?: unknown;
  metric?: unknown;
  threshold?: unknown;
}

const OPTION_KEYS = ['weight', 'metric', 'threshold'] as const;
const OBJECT_KEYS = ['type', 'value', ...OPTION_KEYS];
const THRESHOLD_COLUMN = 'assert_threshold';
const TYPED_COLUMN = /^assert_([A-Za-z_-]+?)(?:\[([^\]]*)\])?(?:#.*)?$/;
/** `TYPE[options]` before a line's colon. */
const TYPE_WITH_OPTIONS = /^\s*([A-Za-z_-]+)\s*\[([^\]]*)\]\s*$/;
const METRIC_NAME = /^[\p{L}\p{N}_./-]{1,64}$/u;
const DECIMAL = /^\d+(?:\.\d+)?$/;

export interface RowAssertionOptions {
  jsTimeoutMs: number;
}

/** The compiled assertions and threshold of one row (no assertions when it has none). */
export async function compileRowAssertions(row: DatasetRow, options: RowAssertionOptions): Promise<RowChecks> {
  const at = `${row.source.file}:${row.source.line}`;
  const columns = { ...(row.assertColumns ?? {}) };
  const thresholdCell = columns[THRESHOLD_COLUMN];
  delete columns[THRESHOLD_COLUMN];
  const raws = [...fromColumns(columns, at), ...fromList(row.asserts ?? [], at)];
  const compiled: RowAssertion[] = [];
  for (const raw of raws) compiled.push(await compileOne(raw, at, { baseDir: dirname(row.source.file), jsTimeoutMs: options.jsTimeoutMs }));
  const threshold =
    row.threshold !== undefined
      ? rowThreshold(row.threshold, '"threshold"', at)
      : thresholdCell !== undefined && thresholdCell.trim() !== ''
        ? rowThreshold(thresholdCell, `column ${JSON.stringify(THRESHOLD_COLUMN)}`, at)
        : undefined;
  if (threshold !== undefined && compiled.length === 0) throw datasetError(at, 'the row has a threshold but no assertions to score');
  return { assertions: compiled, ...(threshold !== undefined ? { threshold } : {}) };
}

async function compileOne(raw: RawAssertion, at: string, context: { baseDir: string; jsTimeoutMs: number }): Promise<RowAssertion> {
  const found = findAssertionType(raw.type);
  if (found === undefined) {
    throw datasetError(
      at,
      `${raw.where}: unknown assertion type ${JSON.stringify(raw.type)}; known types are ${ASSERTION_TYPES.join(', ')}, each also as not-TYPE`,
    );
  }
  const { type, negate } = found;
  if (raw.options.threshold !== undefined && type.takesThreshold === undefined) {
    throw datasetError(
      at,
      `${raw.where}: ${type.name} takes no threshold (an assertion's threshold is levenshtein's most edits allowed; ` +
        `the row's score threshold is the row's "threshold" key, or the CSV column ${THRESHOLD_COLUMN})`,
    );
  }
  const weight = weightOf(raw.options.weight, raw.where, at);
  const metric = metricOf(raw.options.metric, raw.where, at);
  let value: unknown;
  try {
    value = await type.compile(raw.value, { ...context, ...(raw.options.threshold !== undefined ? { threshold: raw.options.threshold } : {}) });
  } catch (error) {
    if (error instanceof AssertionValueError) throw datasetError(at, `${raw.where}: ${error.message} (${type.name} takes ${type.expects})`);
    throw error;
  }
  return {
    type: `${negate ? 'not-' : ''}${type.name}`,
    expectation: type.describe(value),
    weight,
    ...(metric !== undefined ? { metric } : {}),
    check: (subject) => {
      const verdict = type.check(value, subject);
      return negate && 'pass' in verdict ? { pass: !verdict.pass, reason: verdict.reason } : verdict;
    },
  };
}

function weightOf(raw: unknown, where: string, at: string): number {
  if (raw === undefined) return 1;
  const value = typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw datasetError(at, `${where}: weight must be a number of 0 or more (default 1; 0 reports the assertion without counting it); got ${describeRaw(raw)}`);
  return value;
}

function metricOf(raw: unknown, where: string, at: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !METRIC_NAME.test(raw.trim()))
    throw datasetError(at, `${where}: metric must be a name of up to 64 letters, digits, _ . / or -, such as "accuracy"; got ${describeRaw(raw)}`);
  return raw.trim();
}

function rowThreshold(raw: unknown, where: string, at: string): number {
  const value = typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw datasetError(at, `${where}: the row's threshold is the score an answer must reach, a number from 0 to 1; got ${describeRaw(raw)}`);
  return value;
}

function fromColumns(columns: Readonly<Record<string, string>>, at: string): RawAssertion[] {
  const raws: RawAssertion[] = [];
  for (const [column, cell] of Object.entries(columns)) {
    if (cell.trim() === '') continue;
    const where = `column ${JSON.stringify(column)}`;
    const typed = TYPED_COLUMN.exec(column);
    if (typed !== null && findAssertionType(typed[1] as string) !== undefined) {
      const options = typed[2] !== undefined ? parseOptions(typed[2], where, at) : {};
      raws.push({ where, type: typed[1] as string, value: cell, options });
      continue;
    }
    cell.split(/\r\n|\r|\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      raws.push(parseLine(line, `${where} line ${index + 1}`, at, `or name the column assert_TYPE to give one value verbatim`));
    });
  }
  return raws;
}

function fromList(items: readonly unknown[], at: string): RawAssertion[] {
  return items.map((item, index) => {
    const where = `assert[${index}]`;
    if (typeof item === 'string') return parseLine(item, where, at, 'or an object {"type", "value"}');
    if (!isPlainObject(item)) throw datasetError(at, `${where}: expected an object {"type": …, "value": …} or a "TYPE:VALUE" string`);
    const unknown = Object.keys(item).filter((key) => !OBJECT_KEYS.includes(key));
    if (unknown.length > 0)
      throw datasetError(
        at,
        `${where}: unknown key ${JSON.stringify(unknown[0])}; an assertion has ${OBJECT_KEYS.map((key) => JSON.stringify(key)).join(', ')}`,
      );
    if (typeof item['type'] !== 'string' || item['type'].trim() === '') throw datasetError(at, `${where}: "type" must be an assertion type such as "contains"`);
    const options: RawOptions = {};
    for (const key of OPTION_KEYS) if (item[key] !== undefined) options[key] = item[key];
    return { where, type: item['type'], value: item['value'], options };
  });
}

/** `TYPE[options]:VALUE` (value trimmed), or a bare `TYPE[options]` (fine for is-json, whose value is optional). */
function parseLine(line: string, where: string, at: string, alternative: string): RawAssertion {
  const colon = line.indexOf(':');
  const head = colon === -1 ? line : line.slice(0, colon);
  const value = colon === -1 ? undefined : line.slice(colon + 1).trim();
  const withOptions = TYPE_WITH_OPTIONS.exec(head);
  const type = withOptions !== null ? (withOptions[1] as string) : head.trim();
  const options = withOptions !== null ? parseOptions(withOptions[2] as string, where, at) : {};
  if (colon === -1 && findAssertionType(type) === undefined) {
    throw datasetError(at, `${where}: expected TYPE:VALUE such as contains:Paris (${alternative}); got ${JSON.stringify(line.trim())}`);
  }
  return { where, type, value, options };
}

/** `weight=2, metric=facts` (the text inside the brackets). */
function parseOptions(text: string, where: string, at: string): RawOptions {
  const options: RawOptions = {};
  for (const part of text.split(/[,;]/)) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    const key = (equals === -1 ? part : part.slice(0, equals)).trim();
    if (equals === -1 || !(OPTION_KEYS as readonly string[]).includes(key)) {
      throw datasetError(
        at,
        `${where}: ${equals === -1 ? `option ${JSON.stringify(part.trim())} has no "="` : `unknown option ${JSON.stringify(key)}`} in [${text}]; ` +
          `options are ${OPTION_KEYS.map((name) => `${name}=…`).join(', ')}, separated by commas or semicolons`,
      );
    }
    options[key as (typeof OPTION_KEYS)[number]] = part.slice(equals + 1).trim();
  }
  return options;
}
