import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, parseRetryAfter } from '../../src/providers/rate-limit-headers.js';
import { MAX_TIMER_MS, safeDelayMs } from '../../src/util/safe-delay.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('Retry-After parsing', () => {
  it('reads seconds, integer or decimal, and retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, NOW)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': ' 1.5 ' }, NOW)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after': '0' }, NOW)).toBe(0);
    expect(parseRetryAfter({ 'retry-after-ms': '250.5' }, NOW)).toBe(250.5);
    // A malformed retry-after-ms does not hide a good Retry-After.
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '3' }, NOW)).toBe(3000);
  });

  it('rejects negatives and garbage (Date.parse would read "-5" as a date in 2001)', () => {
    for (const value of ['-5', '-0.5', '1e3', '0x10', 'soon', '', '5 s', 'Infinity', 'NaN']) {
      expect(parseRetryAfter({ 'retry-after': value }, NOW), value).toBeUndefined();
    }
    expect(parseRetryAfter({ 'retry-after-ms': '-100' }, NOW)).toBeUndefined();
  });

  it('reads the three HTTP-date forms; a past date means now', () => {
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, NOW)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': 'Thursday, 01-Jan-26 00:00:04 GMT' }, NOW)).toBe(4000);
    expect(parseRetryAfter({ 'retry-after': 'Thu Jan  1 00:00:05 2026' }, NOW)).toBe(5000);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }, NOW)).toBe(0);
  });

  it("never exceeds Node's timer limit, however far the server points", () => {
    expect(parseRetryAfter({ 'retry-after': '999999999' }, NOW)).toBe(MAX_TIMER_MS);
    expect(parseRetryAfter({ 'retry-after': '9'.repeat(400) }, NOW)).toBe(MAX_TIMER_MS);
    expect(parseRetryAfter({ 'retry-after-ms': '99999999999' }, NOW)).toBe(MAX_TIMER_MS);
    expect(parseRetryAfter({ 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, NOW)).toBe(MAX_TIMER_MS);
    expect(parseRateLimitHeaders({ 'x-ratelimit-reset-requests': '999999999h' }).resetRequestsMs).toBe(MAX_TIMER_MS);
  });
});

describe('safeDelayMs', () => {
  it('clamps into what setTimeout honours', () => {
    expect(safeDelayMs(Number.NaN)).toBe(0);
    expect(safeDelayMs(-5)).toBe(0);
    expect(safeDelayMs(12.5)).toBe(12.5);
    expect(safeDelayMs(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
  });
});
