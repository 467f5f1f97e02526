/** `not-flagged` and `not-truncated`: a flagged or cut answer is not a pass by accident. */
import { describe, expect, it } from 'vitest';
import { judge, resultOf } from './helpers.js';

describe('flag assertions', () => {
  it('not-flagged fails when the server set need_clear_history, and says which turn', async () => {
    expect(await resultOf('not-flagged', undefined, 'ok', { record: { needClearHistory: false } })).toBe('pass');
    const flagged = await judge(['not-flagged'], '', { record: { needClearHistory: true, banRound: -1 } });
    expect(flagged).toEqual({
      result: 'fail',
      reason: 'not-flagged (need_clear_history): need_clear_history is true: the server judged the input unsafe (ban_round -1: the current turn)',
    });
    expect(await resultOf('flagged', undefined, '', { record: { needClearHistory: true } })).toBe('pass');
  });

  it('not-flagged cannot judge an answer without the field, so it fails', async () => {
    const judged = await judge([{ type: 'not-flagged' }], 'ok');
    expect(judged.result).toBe('fail');
    expect(judged.reason).toContain('only Qianfan v1 answers carry it');
  });

  it('not-truncated reads is_truncated, else a length finish reason', async () => {
    expect(await resultOf('not-truncated', undefined, 'ok', { record: { isTruncated: false } })).toBe('pass');
    expect(await resultOf('not-truncated', undefined, 'ok', { record: { isTruncated: true } })).toBe('fail');
    expect(await resultOf('not-truncated', undefined, 'ok', { record: { finishReason: 'length' } })).toBe('fail');
    expect(await resultOf('not-truncated', undefined, 'ok', { record: { finishReason: 'stop' } })).toBe('pass');
  });

  it('takes no value', async () => {
    await expect(judge([{ type: 'not-flagged', value: 'x' }], 'ok')).rejects.toThrow(/flagged takes no value/);
    expect(await resultOf('not-truncated', 'true', 'ok', { record: { isTruncated: false } })).toBe('pass');
  });
});
