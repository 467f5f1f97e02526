/**
 * A log of charges over a rolling window (requests, or tokens), kept in a ring so adding,
 * expiring and summing are O(1) amortised. It answers "how much have I spent in the last
 * windowMs" and "when will enough expire to allow `amount` more".
 */
/** Tolerance for rounding in sums of fractional token amounts. */
const EPSILON = 1e-6;

export class SlidingWindow {
  private times: Float64Array;
  private amounts: Float64Array;
  private head = 0;
  private size = 0;
  private sum = 0;
  /** Everything that ever left the window: the difference of two readings is what aged out between them. */
  private expiredTotal = 0;

  constructor(
    readonly windowMs: number,
    initialCapacity = 256,
  ) {
    this.times = new Float64Array(initialCapacity);
    this.amounts = new Float64Array(initialCapacity);
  }

  /** Total charged within (now - windowMs, now]. */
  used(now: number): number {
    this.expire(now);
    return this.sum;
  }

  /** Total of the charges that have left the window by `now`, since the log began (monotonic). */
  expired(now: number): number {
    this.expire(now);
    return this.expiredTotal;
  }

  /** When the oldest charge still in the window was made, or undefined when it is empty. */
  oldest(now: number): number | undefined {
    this.expire(now);
    return this.size > 0 ? (this.times[this.head] as number) : undefined;
  }

  /**
   * Charges `amount` at `now`; returns a handle for correcting it later. `delayMs` dates the charge
   * that much later (it leaves the window later), e.g. when the server counts it on arrival.
   */
  charge(now: number, amount: number, delayMs = 0): number {
    this.expire(now);
    if (this.size === this.times.length) this.grow();
    const slot = (this.head + this.size) % this.times.length;
    this.times[slot] = now + delayMs;
    this.amounts[slot] = amount;
    this.size++;
    this.sum += amount;
    return this.sequence + this.size - 1;
  }

  /**
   * Replaces an earlier charge's amount (an estimate corrected by the server's usage). A charge
   * that has already left the window is ignored.
   */
  correct(handle: number, amount: number): void {
    const position = handle - this.sequence;
    if (position < 0 || position >= this.size) return;
    const slot = (this.head + position) % this.times.length;
    this.sum += amount - (this.amounts[slot] as number);
    this.amounts[slot] = amount;
  }

  /**
   * Dates an earlier charge later (never earlier): it turned out to reach the server later than
   * expected, so it leaves the window later. A charge already gone is ignored.
   */
  redate(handle: number, at: number): void {
    const position = handle - this.sequence;
    if (position < 0 || position >= this.size) return;
    const slot = (this.head + position) % this.times.length;
    this.times[slot] = Math.max(this.times[slot] as number, at);
  }

  /**
   * The earliest instant at which `used` will be at most `budget - amount`, i.e. when a charge of
   * `amount` fits under `budget`. Returns `now` when it fits already.
   */
  fitsAt(now: number, amount: number, budget: number): number {
    this.expire(now);
    // Sums of fractional estimates and corrections drift by rounding: a hair over is a fit.
    let excess = this.sum + amount - budget;
    if (excess <= EPSILON) return now;
    let lastExpiry = now;
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.times.length;
      excess -= this.amounts[slot] as number;
      // Redated charges may be out of order: a charge leaves no earlier than those before it.
      lastExpiry = Math.max(lastExpiry, (this.times[slot] as number) + this.windowMs);
      if (excess <= EPSILON) return lastExpiry;
    }
    // Only an amount larger than the whole budget gets here (callers cap it): once everything in
    // the window has expired, it goes alone.
    return lastExpiry;
  }

  /** Counts handles ever issued minus those still held, so handles stay valid across expiry. */
  private sequence = 0;

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.size > 0 && (this.times[this.head] as number) <= cutoff) {
      this.sum -= this.amounts[this.head] as number;
      this.expiredTotal += this.amounts[this.head] as number;
      this.head = (this.head + 1) % this.times.length;
      this.size--;
      this.sequence++;
    }
    if (this.size === 0) this.sum = 0;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const amounts = new Float64Array(this.amounts.length * 2);
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.times.length;
      times[i] = this.times[slot] as number;
      amounts[i] = this.amounts[slot] as number;
    }
    this.times = times;
    this.amounts = amounts;
    this.head = 0;
  }
}
