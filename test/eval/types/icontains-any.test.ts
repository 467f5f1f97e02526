import { describe, expect, it } from 'vitest';
import { judge, resultOf } from '../helpers.js';

describe('icontains-any', () => {
  it('ignores case on both sides', async () => {
    expect(await resultOf('icontains-any', ['PARIS', 'lyon'], 'paris')).toBe('pass');
    expect(await resultOf('icontains-any', 'ÉCOLE, Straße', 'die STRASSE école')).toBe('pass');
    expect(await judge([{ type: 'icontains-any', value: ['yes', 'ok'] }], 'No')).toEqual({
      result: 'fail',
      reason: 'icontains-any any of "yes", "ok": output contains none of "yes", "ok" (ignoring case)',
    });
  });

  it('not-icontains-any: none of them, in any case', async () => {
    expect(await judge([{ type: 'not-icontains-any', value: ['SORRY'] }], 'sorry, no')).toEqual({
      result: 'fail',
      reason: 'not-icontains-any any of "SORRY": output contains "SORRY" (ignoring case)',
    });
  });
});
