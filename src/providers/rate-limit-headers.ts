/**
 * Rate-limit headers of Qianfan v1, Qianfan v2 and OpenAI-style servers, normalised into one
 * RateLimitSignal the load engine understands without knowing which protocol spoke.
 */
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

/** `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, in milliseconds. */
export function parseRetryAfter(headers: HeaderBag, nowEpochMs = Date.now()): number | undefined {
  const ms = nonNegativeNumber(header(headers, 'retry-after-ms'));
  if (ms !== undefined) return ms;
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = nonNegativeNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowEpochMs);
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
  set('resetRequestsMs', parseResetDuration(header(headers, 'x-ratelimit-reset-requests')));
  set('resetTokensMs', parseResetDuration(header(headers, 'x-ratelimit-reset-tokens')));
  set('retryAfterMs', parseRetryAfter(headers));
  return signal;
}

export function hasRateLimitInfo(signal: RateLimitSignal): boolean {
  return Object.keys(signal).length > 0;
}
