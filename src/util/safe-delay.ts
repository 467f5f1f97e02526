/**
 * Node's timers hold a signed 32-bit millisecond count: a longer delay (or NaN) is replaced by 1 ms
 * with a TimeoutOverflowWarning, so an absurd wait (a server's `Retry-After: 999999999`) would
 * fire at once instead of late. Every delay that can come from outside goes through here.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` clamped into what setTimeout honours: NaN and negatives become 0, anything longer the limit. */
export function safeDelayMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}
