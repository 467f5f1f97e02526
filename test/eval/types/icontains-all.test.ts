import { describe, expect, it } from 'vitest';
import { judge, resultOf } from '../helpers.js';

describe('icontains-all', () => {
  it('needs every text, in any case', async () => {
    expect(await resultOf('icontains-all', ['HELLO', 'World'], 'hello world')).toBe('pass');
    expect(await judge([{ type: 'icontains-all', value: 'Hello, World, again' }], 'HELLO WORLD')).toEqual({
      result: 'fail',
      reason: 'icontains-all all of "Hello", "World", "again": output lacks "again" (ignoring case; 2 of 3 found)',
    });
  });

  it('not-icontains-all: not every one of them', async () => {
    expect(await resultOf('not-icontains-all', ['a', 'B'], 'A b')).toBe('fail');
    expect(await resultOf('not-icontains-all', ['a', 'B'], 'A')).toBe('pass');
  });
});
