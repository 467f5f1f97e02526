import { describe, expect, it } from 'vitest';
import { classifyErrorCode, classifyHttpStatus, errorFromBody } from '../../src/providers/qianfan/error-codes.js';

describe('v1 error classification', () => {
  it.each([
    [4, 'throttled'],
    [17, 'throttled'],
    [18, 'throttled'],
    [19, 'throttled'],
    [336501, 'throttled'],
    [336502, 'throttled'],
    [2, 'retryable'],
    [15, 'retryable'],
    [336100, 'retryable'],
    [13, 'auth'],
    [14, 'auth'],
    [110, 'auth'],
    [111, 'auth'],
    [336001, 'invalid'],
    [336002, 'invalid'],
    [336003, 'invalid'],
    [336006, 'invalid'],
    [336007, 'invalid'],
    [336103, 'invalid'],
    [1, 'fatal'],
    [336000, 'fatal'],
    [999999, 'fatal'],
  ] as const)('code %i is %s', (code, expected) => {
    expect(classifyErrorCode(code)).toBe(expected);
  });

  it('classes HTTP statuses of the gateway', () => {
    expect(classifyHttpStatus(429)).toBe('throttled');
    expect(classifyHttpStatus(503)).toBe('retryable');
    expect(classifyHttpStatus(403)).toBe('auth');
    expect(classifyHttpStatus(404)).toBe('invalid');
  });

  it('reads an error body and ignores a normal one', () => {
    expect(errorFromBody({ error_code: 336501, error_msg: 'Rate limit reached for RPM' }, 200)).toEqual({
      class: 'throttled',
      code: 336501,
      message: 'Rate limit reached for RPM',
      httpStatus: 200,
    });
    expect(errorFromBody({ result: 'hi' }, 200)).toBeUndefined();
    expect(errorFromBody('text', 200)).toBeUndefined();
  });
});
