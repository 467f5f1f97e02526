/**
 * Which failed attempts are worth another try, and how long to wait first: exponential backoff
 * with full jitter, never shorter than the server's Retry-After. `retries: 0` means one attempt.
 */
import type { ProviderError } from '../providers/types.js';
import type { Random } from '../util/random.js';

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Quota answers, server overload and dropped connections can pass with time; nothing else can. */
export function isRetryable(error: ProviderError): boolean {
  return error.class === 'throttled' || error.class === 'retryable' || error.class === 'network';
}

/** Delay before retry number `retry` (1 for the first retry); the runner decides whether the request has that long left. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: Random, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = random() * ceiling;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}
