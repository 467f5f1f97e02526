import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/dataset/csv.js';
import { parseJsonlRecord } from '../../src/dataset/jsonl.js';
import { compileRowAssertions } from '../../src/eval/row-assertions.js';
import { makeRow } from './helpers.js';

const options = { jsTimeoutMs: 1000 };

async function typesOf(csv: string): Promise<string[][]> {
  const rows = parseCsv(csv, '/data/suite.csv');
  return Promise.all(rows.map(async (row) => (await compileRowAssertions(row, options)).assertions.map((a) => `${a.type} ${a.expectation}`)));
}

describe('assertions in CSV columns', () => {
  it('reads `assert` list cells as TYPE:VALUE lines, and assert_TYPE cells as one verbatim value', async () => {
    const csv = [
      'id,prompt,assert,assert_regex,assert_not_contains#2,assert_equals',
      'a,hi,"contains: Paris\nmax-length:200\n\nis-json",\\d+:\\d+,sorry,',
      'b,hi,,,,"line one\nline two: with a colon"',
    ].join('\n');
    expect(await typesOf(csv)).toEqual([
      ['contains "Paris"', 'max-length ≤ 200 characters', 'is-json valid JSON', 'regex "/\\\\d+:\\\\d+/"', 'not-contains "sorry"'],
      ['equals "line one\\nline two: with a colon"'],
    ]);
  });

  it('treats any other assert… column as a list column', async () => {
    expect(await typesOf('prompt,assert2,assertions\nhi,icontains:yes,starts-with:Dear\n')).toEqual([['icontains "yes"', 'starts-with "Dear"']]);
  });

  it('names the file, line, column and list line of a malformed assertion', async () => {
    await expect(typesOf('prompt,assert\nhi,Paris\n')).rejects.toThrow(
      '/data/suite.csv:2: column "assert" line 1: expected TYPE:VALUE such as contains:Paris (or name the column assert_TYPE to give one value verbatim); ' +
        'got "Paris"',
    );
    await expect(typesOf('prompt,assert\nhi,"contains:a\nhas:b"\n')).rejects.toThrow(
      '/data/suite.csv:2: column "assert" line 2: unknown assertion type "has"; known types are equals, contains',
    );
    await expect(typesOf('prompt,assert_max-tokens\nhi,many\n')).rejects.toThrow(
      '/data/suite.csv:2: column "assert_max-tokens": max-tokens needs a whole number of 0 or more; got the string "many" (max-tokens takes a whole ' +
        'number of completion tokens)',
    );
    await expect(typesOf('prompt,assert_contanis\nhi,x\n')).rejects.toThrow(/column "assert_contanis" line 1: expected TYPE:VALUE/);
  });
});

describe('assertions in a JSONL `assert` list', () => {
  it('takes {type, value} objects and TYPE:VALUE strings', async () => {
    const row = parseJsonlRecord(
      JSON.stringify({
        prompt: 'hi',
        assert: [{ type: 'contains', value: 'x' }, 'not-icontains:sorry', { type: 'is-json', value: { type: 'object' } }, { type: 'NOT_REGEX', value: '^$' }],
      }),
      '/data/suite.jsonl',
      7,
    );
    expect((await compileRowAssertions(row, options)).assertions.map((a) => a.type)).toEqual(['contains', 'not-icontains', 'is-json', 'not-regex']);
  });

  it('refuses malformed items, naming FILE:LINE and the item', async () => {
    const compile = (asserts: unknown[]): Promise<unknown> => compileRowAssertions(makeRow({ asserts }), options);
    await expect(compile([{ type: 'contains', value: 'x', wieght: 2 }])).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: unknown key "wieght"; an assertion has "type", "value", "weight", "metric", "threshold"',
    );
    await expect(compile(['contains:x', 42])).rejects.toThrow(
      '/data/rows.jsonl:3: assert[1]: expected an object {"type": …, "value": …} or a "TYPE:VALUE" string',
    );
    await expect(compile([{ value: 'x' }])).rejects.toThrow('assert[0]: "type" must be an assertion type such as "contains"');
    await expect(compile([{ type: 'contains' }])).rejects.toThrow(
      'assert[0]: contains needs a text value; got no value (contains takes the text the answer must contain)',
    );
    await expect(compile([{ type: 'contains', value: { text: 'x' } }])).rejects.toThrow('contains needs a text value; got an object');
  });
});
