import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/dataset/csv.js';
import { editDistance } from '../../../src/eval/assertions/edit-distance.js';
import { compileRowAssertions } from '../../../src/eval/row-assertions.js';
import { judge, resultOf } from '../helpers.js';

const chars = (text: string): string[] => Array.from(text);

describe('edit distance', () => {
  it('is exact within the limit and limit + 1 beyond it', () => {
    expect(editDistance(chars('kitten'), chars('sitting'), 10)).toBe(3);
    expect(editDistance(chars('sitting'), chars('kitten'), 3)).toBe(3);
    expect(editDistance(chars('kitten'), chars('sitting'), 2)).toBe(3);
    expect(editDistance(chars(''), chars('abc'), 5)).toBe(3);
    expect(editDistance(chars('abc'), chars('abc'), 0)).toBe(0);
    expect(editDistance(chars('abcdefgh'), chars('a'), 3)).toBe(4);
    expect(editDistance(chars('flaw'), chars('lawn'), 5)).toBe(2);
  });

  it('counts a Chinese character or an emoji as one edit (code points, not UTF-16 units)', () => {
    expect(editDistance(chars('北京是首都'), chars('北京是中国首都'), 5)).toBe(2);
    expect(editDistance(chars('ok 👍'), chars('ok 👎'), 5)).toBe(1);
  });
});

describe('levenshtein', () => {
  it('passes within the threshold (default 5 edits), surrounding whitespace of the answer aside', async () => {
    expect(await resultOf('levenshtein', 'The capital is Paris.', 'The capital is Paris!\n')).toBe('pass');
    expect(await judge([{ type: 'levenshtein', value: 'abcdefghij' }], 'abc')).toEqual({
      result: 'fail',
      reason: 'levenshtein "abcdefghij" (≤ 5 edits): edit distance 7 (maximum 5)',
    });
    expect(await resultOf('levenshtein', '北京是中国的首都', '北京是中国首都。')).toBe('pass');
  });

  it('takes the most edits allowed as its own threshold, in JSONL and in CSV', async () => {
    expect(await judge([{ type: 'levenshtein', value: 'kitten', threshold: 2 }], 'sitting')).toEqual({
      result: 'fail',
      reason: 'levenshtein "kitten" (≤ 2 edits): edit distance 3 (maximum 2)',
    });
    expect(await resultOf('levenshtein', 'kitten', 'kitten', {})).toBe('pass');
    expect((await judge([{ type: 'levenshtein', value: 'kitten', threshold: 0 }], 'kitten')).result).toBe('pass');
    const rows = parseCsv('prompt,assert_levenshtein[threshold=1],assert\nhi,kitten,levenshtein[threshold=3]:sitting\n', '/data/s.csv');
    const checks = await compileRowAssertions(rows[0]!, { jsTimeoutMs: 1000 });
    expect(checks.assertions.map((a) => a.expectation)).toEqual(['"kitten" (≤ 1 edits)', '"sitting" (≤ 3 edits)']);
  });

  it('not-levenshtein: more edits than the threshold', async () => {
    expect(await resultOf('not-levenshtein', 'yes', 'no')).toBe('fail');
    expect((await judge([{ type: 'not-levenshtein', value: 'yes', threshold: 1 }], 'no')).result).toBe('pass');
    expect(await judge([{ type: 'not-levenshtein', value: 'yes', threshold: 1 }], 'yes')).toEqual({
      result: 'fail',
      reason: 'not-levenshtein "yes" (≤ 1 edits): edit distance 0 (maximum 1)',
    });
  });

  it('refuses a bad threshold, and a threshold on a type that has none', async () => {
    await expect(judge([{ type: 'levenshtein', value: 'a', threshold: -1 }], '')).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: levenshtein: threshold is the most edits allowed, a whole number of 0 or more; got number -1',
    );
    await expect(judge([{ type: 'levenshtein', value: 'a', threshold: 'few' }], '')).rejects.toThrow('got the string "few"');
    await expect(judge([{ type: 'contains', value: 'a', threshold: 0.5 }], '')).rejects.toThrow(
      "assert[0]: contains takes no threshold (an assertion's threshold is levenshtein's most edits allowed; " +
        'the row\'s score threshold is the row\'s "threshold" key',
    );
    await expect(judge([{ type: 'levenshtein' }], '')).rejects.toThrow('levenshtein needs a text value; got no value');
  });
});
