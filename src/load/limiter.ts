/**
 * The adaptive limiter: one per quota key (provider + endpoint + credential). It keeps a run inside
 * the server's requests-per-minute and tokens-per-minute quota while using nearly all of it.
 *
 * - Pacing: every start is charged to each quota dimension (requests; tokens as an estimate,
 *   corrected from `usage` when the answer comes). Starts are spread evenly at budget/window (a
 *   generic cell-rate pacer with a small burst allowance), so they never bunch up at a window
 *   edge where a few milliseconds of skew between our clock and the server's would throttle them;
 *   and a rolling-window log caps what we sent in any window at `headroom` x the limit.
 * - Learning: the budget is the smallest of the user's `--rpm/--tpm` and the limit the server
 *   announces in its headers. Each header also says how much of the window the server has counted
 *   (limit - remaining); what it counted beyond our own sends was spent by someone else with the
 *   same credentials (another qfbench process), and comes off our budget. Processes that see the
 *   same headers therefore converge on sharing the quota instead of overrunning it.
 * - Backing off: a throttled answer holds every start for its Retry-After (or a second), shrinks
 *   the budgets multiplicatively and halves concurrency; clean windows let both grow back
 *   (AIMD). Concurrency never exceeds `-c`.
 *
 * It sees only normalised RateLimitSignals: no protocol detail reaches it.
 */
import type { RateLimitSignal } from '../providers/types.js';
import { now as clockNow } from '../util/clock.js';
import { SlidingWindow } from './sliding-window.js';

export interface LimiterConfig {
  /** `-c`: the concurrency ceiling. */
  maxConcurrency: number;
  /** User caps below the account's quota. */
  rpm?: number;
  tpm?: number;
  /** The server's quota window (Qianfan: a minute). */
  windowMs: number;
  /** Fraction of the quota to aim for; the rest absorbs clock skew between us and the server. */
  headroom: number;
}

export const DEFAULT_LIMITER_CONFIG: Omit<LimiterConfig, 'maxConcurrency'> = { windowMs: 60_000, headroom: 0.97 };

/** What a finished attempt tells the limiter. */
export interface AttemptReport {
  throttled: boolean;
  retryAfterMs?: number;
  /** Tokens the server counted (prompt + completion), when it said. */
  usedTokens?: number;
  promptTokens?: number;
  completionTokens?: number;
}

export interface Permit {
  release(report: AttemptReport): void;
}

export interface LimiterSnapshot {
  concurrency: number;
  requestBudget: number | undefined;
  tokenBudget: number | undefined;
  remainingRequests: number | undefined;
  remainingTokens: number | undefined;
  waiting: number;
  throttled: number;
  /** Next instant a waiting start is allowed (monotonic ms), when someone waits. */
  nextStartAt: number | undefined;
}

type MeterName = 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';

/** Share of the window's budget that may go out back to back before pacing applies. */
const BURST_FRACTION = 0.05;
/**
 * Our log keeps a charge a little longer than the server's window: the server counted it on
 * arrival, slightly after we sent it, so it leaves the server's window slightly later too.
 */
const EXPIRY_MARGIN = 0.01;

/** One quota dimension: our rolling log, the pacer, the learned limit, and what others spend. */
class Meter {
  readonly window: SlidingWindow;
  /** Theoretical arrival time of the next start at the budget's even rate. */
  private tat = Number.NEGATIVE_INFINITY;
  serverLimit: number | undefined;
  userLimit: number | undefined;
  /** Spend the server counted beyond ours at the last header, decaying as the window moves. */
  othersUsed = 0;
  othersObservedAt = 0;
  remaining: number | undefined;

  constructor(readonly windowMs: number, userLimit: number | undefined) {
    this.window = new SlidingWindow(windowMs * (1 + EXPIRY_MARGIN) + 10);
    this.userLimit = userLimit;
  }

  /** The earliest instant `amount` may start under `budget` per window. */
  fitsAt(at: number, amount: number, budget: number): number {
    const paced = this.tat - BURST_FRACTION * this.windowMs;
    return Math.max(at, paced, this.window.fitsAt(at, amount, budget));
  }

  /** Records a start; returns the handle for correcting its amount later. */
  charge(at: number, amount: number, budget: number | undefined): number {
    if (budget !== undefined) this.tat = Math.max(this.tat, at) + (amount * this.windowMs) / budget;
    return this.window.charge(at, amount);
  }

  /** Replaces an estimate by the real amount, in the log and in the pacer. */
  correct(handle: number, estimate: number, amount: number, budget: number | undefined): void {
    this.window.correct(handle, amount);
    if (budget !== undefined && Number.isFinite(this.tat)) this.tat += ((amount - estimate) * this.windowMs) / budget;
  }

  limit(): number | undefined {
    if (this.serverLimit === undefined) return this.userLimit;
    return this.userLimit === undefined ? this.serverLimit : Math.min(this.userLimit, this.serverLimit);
  }

  /** The budget we may spend in one window, or undefined when nothing limits this dimension. */
  budget(at: number, headroom: number, share: number): number | undefined {
    const limit = this.limit();
    if (limit === undefined) return undefined;
    // Others' spend leaves the window as it ages; assume it was spread evenly over the window.
    const age = Math.max(0, at - this.othersObservedAt);
    const others = this.othersUsed * Math.max(0, 1 - age / this.windowMs);
    return Math.max(1, (limit * headroom - others) * share);
  }

  observe(limit: number | undefined, remaining: number | undefined, at: number): void {
    if (limit !== undefined && limit > 0) this.serverLimit = limit;
    if (remaining === undefined) return;
    this.remaining = remaining;
    const effectiveLimit = limit ?? this.serverLimit;
    if (effectiveLimit === undefined) return;
    const serverUsed = effectiveLimit - remaining;
    this.othersUsed = Math.max(0, serverUsed - this.window.used(at));
    this.othersObservedAt = at;
  }
}

interface Waiter {
  amounts: Record<MeterName, number>;
  resolve: (permit: Permit | undefined) => void;
}

export class AdaptiveLimiter {
  private readonly meters: Record<MeterName, Meter>;
  private concurrency: number;
  /** Multiplies every budget: 1 when clean, less after throttles. */
  private share = 1;
  private holdUntil = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private successesSinceIncrease = 0;
  private throttledCount = 0;
  private probing = true;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private nextStartAt: number | undefined;
  private closed = false;

  constructor(
    private readonly config: LimiterConfig,
    private readonly onConcurrency: (concurrency: number) => void = () => undefined,
    private readonly clock: () => number = clockNow,
  ) {
    this.meters = {
      requests: new Meter(config.windowMs, config.rpm),
      tokens: new Meter(config.windowMs, config.tpm),
      inputTokens: new Meter(config.windowMs, undefined),
      outputTokens: new Meter(config.windowMs, undefined),
    };
    this.concurrency = config.maxConcurrency;
  }

  /**
   * Resolves when a request expected to use `promptTokens` + `completionTokens` may start, or
   * with undefined once the limiter is closed (the run stopped or its time ran out). Starts are
   * granted in arrival order.
   */
  acquire(promptTokens: number, completionTokens: number): Promise<Permit | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const amounts: Record<MeterName, number> = {
      requests: 1,
      tokens: promptTokens + completionTokens,
      inputTokens: promptTokens,
      outputTokens: completionTokens,
    };
    return new Promise((resolve) => {
      this.queue.push({ amounts, resolve });
      this.pump();
    });
  }

  /** Rate-limit headers of any answer for this quota key. */
  observe(signal: RateLimitSignal): void {
    const at = this.clock();
    this.meters.requests.observe(signal.limitRequests, signal.remainingRequests, at);
    this.meters.tokens.observe(signal.limitTokens, signal.remainingTokens, at);
    this.meters.inputTokens.observe(signal.limitInputTokens, signal.remainingInputTokens, at);
    this.meters.outputTokens.observe(signal.limitOutputTokens, signal.remainingOutputTokens, at);
    this.probing = false;
    this.pump();
  }

  snapshot(): LimiterSnapshot {
    const at = this.clock();
    return {
      concurrency: this.concurrency,
      requestBudget: this.meters.requests.budget(at, this.config.headroom, this.share),
      tokenBudget: this.meters.tokens.budget(at, this.config.headroom, this.share),
      remainingRequests: this.meters.requests.remaining,
      remainingTokens: this.meters.tokens.remaining,
      waiting: this.queue.length,
      throttled: this.throttledCount,
      nextStartAt: this.nextStartAt,
    };
  }

  /** Stops granting: waiting and later starts get no permit, so the run can wind down. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const waiter of this.queue.splice(0)) waiter.resolve(undefined);
  }

  private grant(waiter: Waiter, at: number): Permit {
    const handles = (Object.keys(this.meters) as MeterName[]).map((name) => {
      const meter = this.meters[name];
      return [name, meter.charge(at, waiter.amounts[name], meter.budget(at, this.config.headroom, this.share))] as const;
    });
    this.inFlight++;
    let released = false;
    return {
      release: (report) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.probing = false;
        const actual: Partial<Record<MeterName, number>> = {};
        if (report.usedTokens !== undefined) actual.tokens = report.usedTokens;
        if (report.promptTokens !== undefined) actual.inputTokens = report.promptTokens;
        if (report.completionTokens !== undefined) actual.outputTokens = report.completionTokens;
        const now = this.clock();
        for (const [name, handle] of handles) {
          const amount = actual[name];
          const meter = this.meters[name];
          if (amount !== undefined) meter.correct(handle, waiter.amounts[name], amount, meter.budget(now, this.config.headroom, this.share));
        }
        if (report.throttled) this.onThrottled(report.retryAfterMs);
        else this.onSuccess();
        this.pump();
      },
    };
  }

  private onThrottled(retryAfterMs: number | undefined): void {
    const at = this.clock();
    this.throttledCount++;
    this.holdUntil = Math.max(this.holdUntil, at + (retryAfterMs ?? 1000));
    // One decrease per second at most: a burst of throttled answers is one congestion event.
    if (at - this.lastDecreaseAt < 1000) return;
    this.lastDecreaseAt = at;
    this.share = Math.max(0.1, this.share * 0.8);
    this.setConcurrency(Math.max(1, Math.floor(this.concurrency / 2)));
  }

  private onSuccess(): void {
    // Additive increase: about one step per round of `concurrency` clean answers.
    this.successesSinceIncrease++;
    if (this.successesSinceIncrease >= this.concurrency) {
      this.successesSinceIncrease = 0;
      if (this.concurrency < this.config.maxConcurrency) this.setConcurrency(this.concurrency + 1);
      this.share = Math.min(1, this.share + 0.02);
    }
  }

  private setConcurrency(concurrency: number): void {
    if (concurrency === this.concurrency) return;
    this.concurrency = concurrency;
    this.onConcurrency(concurrency);
  }

  /** Grants as many queued starts as fit now, and arms one timer for the next one that does not. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextStartAt = undefined;
    for (;;) {
      const waiter = this.queue[0];
      if (waiter === undefined) return;
      const at = this.clock();
      // Until the first answer tells us the limits, probe with one request at a time.
      if (this.probing && this.inFlight > 0) return;
      const startAt = Math.max(this.holdUntil, this.fitsAt(waiter, at));
      if (startAt > at) {
        // Never leave a waiter without a timer: at worst, look again a window later.
        const wakeAt = Number.isFinite(startAt) ? startAt : at + this.config.windowMs;
        this.nextStartAt = wakeAt;
        this.timer = setTimeout(() => this.pump(), Math.max(1, wakeAt - at));
        return;
      }
      this.queue.shift();
      waiter.resolve(this.grant(waiter, at));
    }
  }

  private fitsAt(waiter: Waiter, at: number): number {
    let startAt = at;
    for (const name of Object.keys(this.meters) as MeterName[]) {
      const meter = this.meters[name];
      const budget = meter.budget(at, this.config.headroom, this.share);
      if (budget === undefined) continue;
      // A single request larger than the whole budget still goes, alone, when the window is empty.
      const amount = Math.min(waiter.amounts[name], budget);
      startAt = Math.max(startAt, meter.fitsAt(at, amount, budget));
    }
    return startAt;
  }
}
