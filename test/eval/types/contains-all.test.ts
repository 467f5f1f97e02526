import { describe, expect, it } from 'vitest';
import { judge, resultOf } from '../helpers.js';

describe('contains-all', () => {
  it('passes when the answer contains every text, and names the missing ones', async () => {
    expect(await resultOf('contains-all', ['red', 'green', 'blue'], 'red, green and blue')).toBe('pass');
    expect(await judge([{ type: 'contains-all', value: ['red', 'green', 'blue'] }], 'red and blue')).toEqual({
      result: 'fail',
      reason: 'contains-all all of "red", "green", "blue": output lacks "green" (2 of 3 found)',
    });
    expect(await resultOf('contains-all', ['Red'], 'red')).toBe('fail');
    expect(await resultOf('contains-all', '红, 绿', '红绿灯')).toBe('pass');
  });

  it('not-contains-all: not every one of them', async () => {
    expect(await resultOf('not-contains-all', ['a', 'b'], 'a only')).toBe('pass');
    expect(await judge([{ type: 'not-contains-all', value: ['a', 'b'] }], 'a and b')).toEqual({
      result: 'fail',
      reason: 'not-contains-all all of "a", "b": output contains all of "a", "b"',
    });
  });

  it('refuses a value that is not a list of texts', async () => {
    await expect(judge([{ type: 'contains-all', value: 3 }], '')).rejects.toThrow(
      '/data/rows.jsonl:3: assert[0]: contains-all needs a list of texts; got number 3',
    );
  });
});
