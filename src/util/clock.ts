import { performance } from 'node:perf_hooks';
import { safeDelayMs } from './safe-delay.js';

/**
 * The one monotonic clock every interval is measured on (metrics.md: never Date.now()).
 * Milliseconds with sub-millisecond precision since process start.
 */
export const now: () => number = () => performance.now();

/** Wall-clock label for a monotonic instant, for reports only. */
export function wallClockAt(monotonicMs: number): Date {
  return new Date(performance.timeOrigin + monotonicMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    // Clamped: past Node's timer limit setTimeout would fire after 1 ms instead.
    const timer = setTimeout(done, safeDelayMs(ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
