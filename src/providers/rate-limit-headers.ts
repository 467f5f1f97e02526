/**
 * Rate-limit headers of Qianfan v1, Qianfan v2 and OpenAI-style servers, normalised into one
 * RateLimitSignal the load engine understands without knowing which protocol spoke.
 */
import { safeDelayMs } from '../util/safe-delay.js';
import type { RateLimitSignal } from './types.js';

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * OpenAI-style reset durations: `6m0s`, `1.5s`, `20ms`, `1h2m3s`; a bare number means seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseResetDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(part[1]) * (units[part[2] as string] as number);
    matched += part[0];
  }
  return matched.length > 0 && matched === trimmed ? total : undefined;
}

/** A plain non-negative decimal (`2`, `1.5`): no sign, exponent, hex or spaces inside. */
const DECIMAL = /^\d+(\.\d+)?$/;
/** The three HTTP-date forms (RFC 9110 5.6.7): IMF-fixdate, obsolete RFC 850, and asctime (which is UTC without saying so). */
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Epoch milliseconds of an HTTP date, or undefined. Date.parse alone is far too lenient: it reads `-5` as May 2001. */
function parseHttpDate(text: string): number | undefined {
  let parsed: number;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) parsed = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) parsed = Date.parse(`${text} GMT`);
  else return undefined;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * `retry-after-ms` (milliseconds) or `Retry-After` (seconds, integer or decimal, or an HTTP date),
 * in milliseconds; undefined when absent or not one of those (negative, garbage). A date in the
 * past means 0. The result never exceeds Node's timer limit (about 24.8 days): whoever waits on it
 * may hand it to setTimeout, and the caller caps it further to what its own time allows.
 */
export function parseRetryAfter(headers: HeaderBag, nowEpochMs = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms')?.trim();
  if (ms !== undefined && DECIMAL.test(ms)) return safeDelayMs(Number(ms));
  const value = header(headers, 'retry-after')?.trim();
  if (value === undefined) return undefined;
  if (DECIMAL.test(value)) return safeDelayMs(Number(value) * 1000);
  const date = parseHttpDate(value);
  return date === undefined ? undefined : safeDelayMs(date - nowEpochMs);
}

/** Reads every known rate-limit header; undici gives header names in lower case. */
export function parseRateLimitHeaders(headers: HeaderBag): RateLimitSignal {
  const signal: RateLimitSignal = {};
  const set = <K extends keyof RateLimitSignal>(key: K, value: number | undefined): void => {
    if (value !== undefined) signal[key] = value;
  };
  set('limitRequests', nonNegativeNumber(header(headers, 'x-ratelimit-limit-requests')));
  set('remainingRequests', nonNegativeNumber(header(headers, 'x-ratelimit-remaining-requests')));
  set('limitTokens', nonNegativeNumber(header(headers, 'x-ratelimit-limit-tokens')));
  set('remainingTokens', nonNegativeNumber(header(headers, 'x-ratelimit-remaining-tokens')));
  set('limitInputTokens', nonNegativeNumber(header(headers, 'x-ratelimit-limit-input-tokens')));
  set('remainingInputTokens', nonNegativeNumber(header(headers, 'x-ratelimit-remaining-input-tokens')));
  set('limitOutputTokens', nonNegativeNumber(header(headers, 'x-ratelimit-limit-output-tokens')));
  set('remainingOutputTokens', nonNegativeNumber(header(headers, 'x-ratelimit-remaining-output-tokens')));
  // Reset times are delays too: bounded like Retry-After, so no consumer can overflow a timer with them.
  const reset = (name: string): number | undefined => {
    const ms = parseResetDuration(header(headers, name));
    return ms === undefined ? undefined : safeDelayMs(ms);
  };
  set('resetRequestsMs', reset('x-ratelimit-reset-requests'));
  set('resetTokensMs', reset('x-ratelimit-reset-tokens'));
  set('retryAfterMs', parseRetryAfter(headers));
  return signal;
}

export function hasRateLimitInfo(signal: RateLimitSignal): boolean {
  return Object.keys(signal).length > 0;
}
