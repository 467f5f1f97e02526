/**
 * Running totals of named quantities (requests, tokens, …) over a quota window, for the
 * simulator's v1 and v2 quotas. 'rolling' keeps a log of timestamped charges and forgets each one
 * windowMs after it was made; 'fixed' resets every total at each multiple of windowMs since the
 * simulator started; 'bucket' is a token bucket holding one window's limit that refills
 * continuously at limit/windowMs (the total is what is missing from the bucket, fractional).
 * Charges only append to the log and expiry only pops from its front, so all are O(1) amortised.
 */
import type { QuotaWindowMode } from './options.js';

export interface WindowConfig {
  mode: QuotaWindowMode;
  windowMs: number;
  /** Origin of fixed windows (monotonic ms). */
  startedAt: number;
}

/** Bucket mode: each quantity's limit per window, its refill rate; a quantity without one never refills. */
export type WindowLimits<K extends string> = Partial<Record<K, number>>;

interface Charge<K extends string> {
  at: number;
  amounts: Partial<Record<K, number>>;
}

export class WindowTotals<K extends string> {
  private readonly log: Array<Charge<K>> = [];
  private head = 0;
  private readonly totals: Record<K, number>;
  private fixedWindowIndex = 0;
  private drainedAt: number;

  constructor(
    private readonly config: WindowConfig,
    private readonly keys: readonly K[],
    private readonly limits: WindowLimits<K> = {},
  ) {
    this.drainedAt = config.startedAt;
    this.totals = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  }

  /** The totals of the window as of `now`. */
  at(now: number): Readonly<Record<K, number>> {
    this.advance(now);
    return this.totals;
  }

  charge(now: number, amounts: Partial<Record<K, number>>): void {
    this.advance(now);
    for (const key of this.keys) this.totals[key] += amounts[key] ?? 0;
    // A fixed window or a bucket only needs the running totals; the log is for rolling expiry.
    if (this.config.mode === 'rolling') this.log.push({ at: now, amounts });
  }

  /**
   * Milliseconds from `now` until `enough` holds for what will have expired by then. 'fixed': the
   * next boundary resets everything. 'rolling': walk the live log from its oldest charge.
   */
  waitUntil(now: number, enough: (freed: Readonly<Record<K, number>>) => boolean): number {
    const { mode, windowMs, startedAt } = this.config;
    this.advance(now);
    if (mode === 'fixed') return startedAt + (this.fixedWindowIndex + 1) * windowMs - now;
    if (mode === 'bucket') return this.bucketWait(enough);
    const freed = Object.fromEntries(this.keys.map((key) => [key, 0])) as Record<K, number>;
    for (let index = this.head; index < this.log.length; index++) {
      const charge = this.log[index] as Charge<K>;
      for (const key of this.keys) freed[key] += charge.amounts[key] ?? 0;
      if (enough(freed)) return Math.max(0, charge.at + windowMs - now);
    }
    return windowMs;
  }

  /** Bucket mode: the shortest refill (to the millisecond) after which `enough` holds, at most a window. */
  private bucketWait(enough: (freed: Readonly<Record<K, number>>) => boolean): number {
    const freedAfter = (ms: number): Record<K, number> =>
      Object.fromEntries(this.keys.map((key) => [key, Math.min(this.totals[key], ((this.limits[key] ?? 0) * ms) / this.config.windowMs)])) as Record<K, number>;
    let low = 0;
    let high = this.config.windowMs;
    if (!enough(freedAfter(high))) return high;
    while (high - low > 1) {
      const middle = (low + high) / 2;
      if (enough(freedAfter(middle))) high = middle;
      else low = middle;
    }
    return Math.ceil(high);
  }

  private advance(now: number): void {
    const { mode, windowMs, startedAt } = this.config;
    if (mode === 'bucket') {
      const elapsed = Math.max(0, now - this.drainedAt);
      this.drainedAt = Math.max(this.drainedAt, now);
      for (const key of this.keys) this.totals[key] = Math.max(0, this.totals[key] - ((this.limits[key] ?? 0) * elapsed) / windowMs);
      return;
    }
    if (mode === 'fixed') {
      const index = Math.floor((now - startedAt) / windowMs);
      if (index !== this.fixedWindowIndex) {
        this.fixedWindowIndex = index;
        for (const key of this.keys) this.totals[key] = 0;
      }
      return;
    }
    const cutoff = now - windowMs;
    while (this.head < this.log.length) {
      const oldest = this.log[this.head] as Charge<K>;
      if (oldest.at > cutoff) break;
      for (const key of this.keys) this.totals[key] -= oldest.amounts[key] ?? 0;
      this.head++;
    }
    // Drop the consumed prefix once it dominates, so memory stays proportional to the live window.
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
  }
}
