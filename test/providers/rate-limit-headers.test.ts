import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, parseResetDuration, parseRetryAfter } from '../../src/providers/rate-limit-headers.js';

describe('rate-limit headers', () => {
  it('normalises v1 headers', () => {
    expect(
      parseRateLimitHeaders({
        'x-ratelimit-limit-requests': '300',
        'x-ratelimit-remaining-requests': '299',
        'x-ratelimit-limit-tokens': '300000',
        'x-ratelimit-remaining-tokens': '299000',
      }),
    ).toEqual({ limitRequests: 300, remainingRequests: 299, limitTokens: 300000, remainingTokens: 299000 });
  });

  it('normalises v2 split token headers and OpenAI resets', () => {
    expect(
      parseRateLimitHeaders({
        'x-ratelimit-limit-input-tokens': '1000',
        'x-ratelimit-remaining-output-tokens': '50',
        'x-ratelimit-reset-requests': '6m0s',
        'x-ratelimit-reset-tokens': '20ms',
        'retry-after': '2',
      }),
    ).toEqual({ limitInputTokens: 1000, remainingOutputTokens: 50, resetRequestsMs: 360000, resetTokensMs: 20, retryAfterMs: 2000 });
  });

  it('parses durations and rejects non-durations', () => {
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('1.5')).toBe(1500);
    expect(parseResetDuration('soon')).toBeUndefined();
    expect(parseResetDuration('5x')).toBeUndefined();
  });

  it('reads Retry-After as seconds, milliseconds or an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250' })).toBe(250);
    const nowMs = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, nowMs)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': 'garbage' })).toBeUndefined();
  });

  it('ignores negative and non-numeric values', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining-requests': '-1', 'x-ratelimit-limit-tokens': 'lots' })).toEqual({});
  });
});
