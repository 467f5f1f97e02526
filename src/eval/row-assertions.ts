/**
 * A dataset row's assertions, read and compiled before anything is sent (a malformed one is a
 * dataset error at FILE:LINE).
 *
 * CSV: every column whose name starts with `assert` holds assertions.
 * - `assert_TYPE` (optionally `assert_TYPE#label`, so a type can have several columns): the cell
 *   is the value, verbatim (colons, commas and line breaks included), e.g. a column
 *   `assert_contains` with `Paris`, `assert_not-regex` with `(?i)sorry`, `assert_latency-ms`
 *   with `3000`. TYPE may spell `-` as `_` (`assert_not_contains`).
 * - any other `assert…` column (`assert`, `assert2`, `asserts`): one assertion per line of the
 *   cell, `TYPE:VALUE` with the value trimmed (`contains:Paris`, `max-length:200`), or a bare
 *   `is-json`.
 * An empty cell means no assertion for that row.
 *
 * JSONL: `"assert": [{"type": "contains", "value": "Paris"}, {"type": "is-json", "value": {…schema}}]`;
 * an item may also be the `TYPE:VALUE` string of a CSV line.
 */
import { dirname } from 'node:path';
import { isPlainObject } from '../dataset/common.js';
import type { DatasetRow } from '../dataset/types.js';
import { datasetError } from '../errors.js';
import { ASSERTION_TYPES, AssertionValueError, findAssertionType, type AssertionSubject, type Verdict } from './assertions/index.js';

export interface RowAssertion {
  /** The type as written, normalised: `not-contains`. */
  type: string;
  /** The expectation for reasons: `"Paris"`, `≤ 3000 ms`. */
  expectation: string;
  /** The finding, with `not-` already applied. */
  check(subject: AssertionSubject): Verdict;
}

interface RawAssertion {
  /** Where it was written, inside its row: `column "assert" line 2`, `assert[1]`. */
  where: string;
  type: string;
  value: unknown;
}

const TYPED_COLUMN = /^assert_([A-Za-z_-]+?)(?:#.*)?$/;

export interface RowAssertionOptions {
  jsTimeoutMs: number;
}

/** The compiled assertions of one row (empty when it has none). */
export async function compileRowAssertions(row: DatasetRow, options: RowAssertionOptions): Promise<RowAssertion[]> {
  const at = `${row.source.file}:${row.source.line}`;
  const raws = [...fromColumns(row.assertColumns ?? {}, at), ...fromList(row.asserts ?? [], at)];
  const context = { baseDir: dirname(row.source.file), jsTimeoutMs: options.jsTimeoutMs };
  const compiled: RowAssertion[] = [];
  for (const raw of raws) {
    const found = findAssertionType(raw.type);
    if (found === undefined) {
      throw datasetError(
        at,
        `${raw.where}: unknown assertion type ${JSON.stringify(raw.type)}; known types are ${ASSERTION_TYPES.join(', ')}, each also as not-TYPE`,
      );
    }
    const { type, negate } = found;
    let value: unknown;
    try {
      value = await type.compile(raw.value, context);
    } catch (error) {
      if (error instanceof AssertionValueError) throw datasetError(at, `${raw.where}: ${error.message} (${type.name} takes ${type.expects})`);
      throw error;
    }
    compiled.push({
      type: `${negate ? 'not-' : ''}${type.name}`,
      expectation: type.describe(value),
      check: (subject) => {
        const verdict = type.check(value, subject);
        return negate && 'pass' in verdict ? { pass: !verdict.pass, reason: verdict.reason } : verdict;
      },
    });
  }
  return compiled;
}

function fromColumns(columns: Readonly<Record<string, string>>, at: string): RawAssertion[] {
  const raws: RawAssertion[] = [];
  for (const [column, cell] of Object.entries(columns)) {
    if (cell.trim() === '') continue;
    const typed = TYPED_COLUMN.exec(column);
    if (typed !== null && findAssertionType(typed[1] as string) !== undefined) {
      raws.push({ where: `column ${JSON.stringify(column)}`, type: typed[1] as string, value: cell });
      continue;
    }
    cell.split(/\r\n|\r|\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `column ${JSON.stringify(column)} line ${index + 1}`;
      raws.push(parseLine(line, where, at, `or name the column assert_TYPE to give one value verbatim`));
    });
  }
  return raws;
}

function fromList(items: readonly unknown[], at: string): RawAssertion[] {
  return items.map((item, index) => {
    const where = `assert[${index}]`;
    if (typeof item === 'string') return parseLine(item, where, at, 'or an object {"type", "value"}');
    if (!isPlainObject(item)) throw datasetError(at, `${where}: expected an object {"type": …, "value": …} or a "TYPE:VALUE" string`);
    const record = item;
    const unknown = Object.keys(record).filter((key) => key !== 'type' && key !== 'value');
    if (unknown.length > 0) throw datasetError(at, `${where}: unknown key ${JSON.stringify(unknown[0])}; an assertion has "type" and "value"`);
    if (typeof record['type'] !== 'string' || record['type'].trim() === '')
      throw datasetError(at, `${where}: "type" must be an assertion type such as "contains"`);
    return { where, type: record['type'], value: record['value'] };
  });
}

/** `TYPE:VALUE` (value trimmed), or a bare `TYPE` (fine for is-json, whose value is optional). */
function parseLine(line: string, where: string, at: string, alternative: string): RawAssertion {
  const colon = line.indexOf(':');
  if (colon === -1) {
    if (findAssertionType(line) !== undefined) return { where, type: line.trim(), value: undefined };
    throw datasetError(at, `${where}: expected TYPE:VALUE such as contains:Paris (${alternative}); got ${JSON.stringify(line.trim())}`);
  }
  return { where, type: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
}
