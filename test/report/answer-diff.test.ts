import { describe, expect, it } from 'vitest';
import { answerDiff, DIFF_MAX_CHARS, hasCjk } from '../../src/report/answer-diff.js';

describe('answerDiff', () => {
  it('diffs English word by word, keeping the spaces', () => {
    const diff = answerDiff('The capital of France is Paris.', 'The capital of France is Lyon.');
    expect(diff.granularity).toBe('word');
    expect(diff.same).toBe(false);
    expect(diff.parts).toEqual([
      { kind: 'same', text: 'The capital of France is ' },
      { kind: 'removed', text: 'Paris' },
      { kind: 'added', text: 'Lyon' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('diffs Chinese character by character (no spaces to split words at)', () => {
    const diff = answerDiff('北京是中国的首都。', '上海是中国最大的城市。');
    expect(diff.granularity).toBe('character');
    expect(diff.parts).toEqual([
      { kind: 'removed', text: '北京' },
      { kind: 'added', text: '上海' },
      { kind: 'same', text: '是中国' },
      { kind: 'added', text: '最大' },
      { kind: 'same', text: '的' },
      { kind: 'removed', text: '首都' },
      { kind: 'added', text: '城市' },
      { kind: 'same', text: '。' },
    ]);
    // Either side holding CJK is enough, and the texts rebuild from the parts.
    const mixed = answerDiff('Paris', '巴黎 Paris');
    expect(mixed.granularity).toBe('character');
    expect(
      mixed.parts
        .filter((p) => p.kind !== 'removed')
        .map((p) => p.text)
        .join(''),
    ).toBe('巴黎 Paris');
    expect(hasCjk('こんにちは')).toBe(true);
    expect(hasCjk('안녕')).toBe(true);
    expect(hasCjk('plain ascii, 123')).toBe(false);
  });

  it('says when the answers are the same', () => {
    expect(answerDiff('同じ', '同じ')).toMatchObject({ same: true, parts: [{ kind: 'same', text: '同じ' }] });
    expect(answerDiff('', '')).toEqual({ granularity: 'word', parts: [], same: true });
  });

  it('stays bounded: long unrelated answers are one removal and one addition of the cut texts', () => {
    const diff = answerDiff('a'.repeat(10_000), 'b'.repeat(10_000));
    expect(diff.parts.map((p) => [p.kind, p.text.length])).toEqual([
      ['removed', DIFF_MAX_CHARS],
      ['added', DIFF_MAX_CHARS],
    ]);
  });
});
