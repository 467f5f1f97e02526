import { describe, expect, it } from 'vitest';
import { wordCount } from '../../../src/eval/assertions/words.js';
import { judge, resultOf } from '../helpers.js';

describe('counting words', () => {
  it('splits Latin text at whitespace and counts pieces with a letter or digit', () => {
    expect(wordCount('The quick brown fox')).toBe(4);
    expect(wordCount('  state-of-the-art,  3.14 — done.\n')).toBe(3);
    expect(wordCount('')).toBe(0);
    expect(wordCount('— … !')).toBe(0);
  });

  it('counts each Chinese character and each kana as one word, punctuation as none', () => {
    expect(wordCount('北京是中国的首都。')).toBe(8);
    expect(wordCount('用API调用')).toBe(4);
    expect(wordCount('我爱 Rust 和 TypeScript！')).toBe(5);
    expect(wordCount('こんにちは、世界')).toBe(7);
    expect(wordCount('コーヒー')).toBe(4);
    expect(wordCount('안녕하세요 세계')).toBe(2);
  });
});

describe('word-count', () => {
  it('exact N', async () => {
    expect(await resultOf('word-count', 3, 'one two three')).toBe('pass');
    expect(await judge([{ type: 'word-count', value: '3' }], 'one two')).toEqual({
      result: 'fail',
      reason: 'word-count 3 words: output has 2 words (exactly 3)',
    });
  });

  it('a range: MIN..MAX, MIN.., ..MAX, or {min, max}', async () => {
    expect(await resultOf('word-count', '2..4', 'a b c')).toBe('pass');
    expect(await resultOf('word-count', '2..', 'a')).toBe('fail');
    expect(await judge([{ type: 'word-count', value: '..2' }], '你好世界')).toEqual({
      result: 'fail',
      reason: 'word-count ≤ 2 words: output has 4 words (maximum 2)',
    });
    expect(await judge([{ type: 'word-count', value: { min: 5, max: 9 } }], 'one')).toEqual({
      result: 'fail',
      reason: 'word-count 5..9 words: output has 1 word (minimum 5, maximum 9)',
    });
    expect(await resultOf('word-count', '{"min": 1}', 'x')).toBe('pass');
    expect(await resultOf('not-word-count', { max: 3 }, 'a b c d')).toBe('pass');
  });

  it('refuses a value that is no count or range, at FILE:LINE, saying what it takes', async () => {
    await expect(judge([{ type: 'word-count', value: 'many' }], '')).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: word-count needs a whole number of words, a range MIN..MAX (either end may be left out), or {"min": …, "max": …}; ' +
        'got the string "many"',
    );
    await expect(judge([{ type: 'word-count', value: '9..3' }], '')).rejects.toThrow('word-count: min 9 is above max 3');
    await expect(judge([{ type: 'word-count', value: { min: 1.5 } }], '')).rejects.toThrow(
      'word-count: "min" must be a whole number of 0 or more; got number 1.5',
    );
    await expect(judge([{ type: 'word-count', value: { least: 1 } }], '')).rejects.toThrow('word-count: unknown key "least"; a range has "min" and "max"');
    await expect(judge([{ type: 'word-count', value: {} }], '')).rejects.toThrow('word-count: a range needs "min", "max" or both');
    await expect(judge([{ type: 'word-count', value: '..' }], '')).rejects.toThrow('word-count needs a whole number');
  });
});
