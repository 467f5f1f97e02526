import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/dataset/csv.js';
import { compileRowAssertions } from '../../../src/eval/row-assertions.js';
import { judge, resultOf } from '../helpers.js';

describe('contains-any', () => {
  it('passes when the answer contains one of the texts, and names the ones it found', async () => {
    expect(await judge([{ type: 'contains-any', value: ['Paris', 'Lyon'] }], 'Lyon and Paris')).toEqual({ result: 'pass', reason: '' });
    expect(await judge([{ type: 'contains-any', value: ['Paris', 'Lyon'] }], 'Berlin')).toEqual({
      result: 'fail',
      reason: 'contains-any any of "Paris", "Lyon": output contains none of "Paris", "Lyon"',
    });
    expect(await resultOf('contains-any', ['paris'], 'Paris')).toBe('fail');
    expect(await resultOf('contains-any', ['北京', '上海'], '首都是北京。')).toBe('pass');
  });

  it('not-contains-any: none of them', async () => {
    expect(await judge([{ type: 'not-contains-any', value: ['sorry', 'cannot'] }], 'I cannot help')).toEqual({
      result: 'fail',
      reason: 'not-contains-any any of "sorry", "cannot": output contains "cannot"',
    });
    expect(await resultOf('not-contains-any', ['sorry', 'cannot'], 'Sure!')).toBe('pass');
  });

  it('takes a comma-separated text (a CSV cell or a TYPE:VALUE line), with \\, for a comma inside an item', async () => {
    expect(await resultOf('contains-any', 'Paris, Lyon', 'Lyon')).toBe('pass');
    expect(await resultOf('contains-any', 'Washington\\, D.C., Ottawa', 'Washington, D.C.')).toBe('pass');
    expect(await resultOf('contains-any', 'Washington\\, D.C.', 'Washington')).toBe('fail');
    const [row] = parseCsv('prompt,assert_contains-any,assert\nhi,"a, b\\, c","contains-any:x\\,y"\n', '/data/s.csv');
    const checks = await compileRowAssertions(row!, { jsTimeoutMs: 1000 });
    expect(checks.assertions.map((a) => a.expectation)).toEqual(['any of "a", "b, c"', 'any of "x,y"']);
  });

  it('refuses an empty list, an empty item or a non-text item at FILE:LINE, saying what it takes', async () => {
    await expect(judge([{ type: 'contains-any', value: [] }], '')).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: contains-any needs at least one item; got an empty array (contains-any takes a list of texts',
    );
    await expect(judge([{ type: 'contains-any', value: 'a,,b' }], '')).rejects.toThrow('contains-any: item 2 of "a,,b" is empty');
    await expect(judge([{ type: 'contains-any', value: ['a', null] }], '')).rejects.toThrow('contains-any: item 1 must be a non-empty string; got null');
    await expect(judge([{ type: 'contains-any', value: { a: 1 } }], '')).rejects.toThrow('contains-any needs a list of texts; got an object');
  });
});
