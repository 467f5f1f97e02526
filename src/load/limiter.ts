/**
 * The adaptive limiter: one per quota key (provider + endpoint + credential). It keeps a run inside
 * the server's requests-per-minute and tokens-per-minute quota while using all of it.
 *
 * - Credit (quota-credit.ts): what the server says Remaining is spendable now, less what we sent
 *   that it has not counted yet and a small margin; how Remaining moves says how the quota refills
 *   (a bucket, a fixed window, a rolling window). Tokens are charged as an estimate before sending
 *   and corrected from `usage`.
 * - Even pacing, when credit cannot be trusted: a server that sends only a Limit header, someone
 *   else spending the same quota (the Remaining headers show more counted than we sent), or the
 *   `pacing: 'even'` baseline. Starts are spread at budget/window and a rolling log caps a window
 *   at `headroom` x the limit less what others spent, so several processes converge on sharing it.
 * - Backing off: a throttled answer holds every start for its Retry-After (or a second), and when
 *   no header contradicts it, shrinks the budgets and halves concurrency; clean rounds grow both
 *   back, quickly to where they were before an isolated throttle (AIMD). A throttle whose own
 *   headers say plenty remains (a prompt-triggered 336501) changes nothing but the count.
 *   Concurrency never exceeds `-c`.
 *
 * It sees only normalised RateLimitSignals: no protocol detail reaches it.
 */
import type { RateLimitSignal } from '../providers/types.js';
import { now as clockNow } from '../util/clock.js';
import { QuotaCredit, type Mark, type RefillModel } from './quota-credit.js';
import { QuotaTimeline, type QuotaTimelineSnapshot } from './quota-timeline.js';
import { SlidingWindow } from './sliding-window.js';
import { MAX_TIMER_MS, safeDelayMs } from '../util/safe-delay.js';

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
  /** 'credit' (default): spend what Remaining says; 'even': the older even pacing from the first request (a baseline). */
  pacing?: 'credit' | 'even';
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
  /** How the request quota (else the token quota) refills, as inferred from Remaining; 'shared' when others spend it too. */
  refill: RefillModel | 'shared' | undefined;
  /** Requests we may start now on the server's word, when it sends Remaining. */
  creditRequests: number | undefined;
  creditTokens: number | undefined;
  /** The request quota per window as the server states it (Limit header), else the user's --rpm. */
  limitRequests: number | undefined;
  /** Starts and refusals second by second, from the first start. */
  timeline: QuotaTimelineSnapshot | undefined;
}

type MeterName = 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';

/** How far off a token estimate may be (the SDKs' formula against the server's tokenizer), as a share of it. */
const ESTIMATE_ERROR = 0.5;
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
  observedAt = Number.NEGATIVE_INFINITY;
  readonly credit: QuotaCredit;
  /** Until then someone else is seen spending this quota: pace evenly instead of spending credit. */
  sharedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs: number,
    userLimit: number | undefined,
    countedOnArrival: boolean,
    infersResets: boolean,
  ) {
    this.window = new SlidingWindow(windowMs * (1 + EXPIRY_MARGIN) + 10);
    this.userLimit = userLimit;
    this.credit = new QuotaCredit(windowMs, countedOnArrival, infersResets);
  }

  /** Spend on the server's word: it says what remains, nobody else is spending it, and no user cap is lower. */
  usesCredit(at: number): boolean {
    if (!this.credit.known || at < this.sharedUntil) return false;
    return this.userLimit === undefined || (this.serverLimit !== undefined && this.userLimit >= this.serverLimit);
  }

  /** Skew margin: the part of the quota we never count on. */
  margin(headroom: number): number {
    return Math.max(1, (this.credit.limit ?? 0) * (1 - headroom));
  }

  /** The earliest instant `amount` may start under `budget` per window. */
  fitsAt(at: number, amount: number, budget: number): number {
    const paced = this.tat - BURST_FRACTION * this.windowMs;
    return Math.max(at, paced, this.window.fitsAt(at, amount, budget));
  }

  /** Records a start; returns the handle for correcting its amount later. */
  charge(at: number, amount: number, budget: number | undefined, paced: boolean, seq: number): ChargeHandle {
    if (budget !== undefined && paced) this.tat = Math.max(this.tat, at) + (amount * this.windowMs) / budget;
    return { window: this.window.charge(at, amount), credit: this.credit.charge(at, amount, seq, !paced) };
  }

  /** Replaces an estimate by the real amount, in the logs and in the pacer. */
  correct(handle: ChargeHandle, estimate: number, amount: number, budget: number | undefined): void {
    this.window.correct(handle.window, amount);
    this.credit.correct(handle.credit, estimate, amount);
    if (budget !== undefined && Number.isFinite(this.tat)) this.tat += ((amount - estimate) * this.windowMs) / budget;
  }

  /** A refused start: the server did not count it, so it costs no credit (the even pacer still counts it). */
  uncount(handle: ChargeHandle, estimate: number): void {
    this.credit.correct(handle.credit, estimate, 0);
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

  /**
   * `estimated`: what of ours in flight is still an estimate (tokens before their usage came). The
   * server counted the real amount, so a count above our log by up to half of it is our estimate's
   * error, not another client.
   */
  observe(
    limit: number | undefined,
    remaining: number | undefined,
    at: number,
    mark: Mark | undefined,
    outstanding: number,
    ambiguity: number,
    estimated = 0,
  ): void {
    if (limit !== undefined && limit > 0) this.serverLimit = limit;
    if (mark !== undefined) this.credit.observe(at, limit ?? this.serverLimit, remaining, mark, outstanding, ambiguity);
    else if (limit !== undefined && limit > 0) this.credit.limit = limit;
    if (remaining === undefined) return;
    this.remaining = remaining;
    this.observedAt = at;
    const effectiveLimit = limit ?? this.serverLimit;
    if (effectiveLimit === undefined) return;
    const serverUsed = effectiveLimit - remaining;
    // Against our log dated by arrival: the server counts a request from when it arrives.
    this.othersUsed = Math.max(0, serverUsed - Math.max(this.window.used(at), this.credit.ours(at)));
    this.othersObservedAt = at;
    // Counted beyond every send of ours in the window: another client spends this quota too.
    if (this.othersUsed > Math.max(2, 0.05 * effectiveLimit) + ESTIMATE_ERROR * estimated) {
      if (at >= this.sharedUntil) this.tat = Math.max(this.tat, at);
      this.sharedUntil = at + SHARED_WINDOWS * this.windowMs;
    }
  }
}

interface ChargeHandle {
  window: number;
  credit: Mark;
}

/** A granted start until its answer: whether its headers arrived, and what it charged. */
interface Outstanding {
  seq: number;
  amounts: Record<MeterName, number>;
  handles: Record<MeterName, ChargeHandle>;
  grantedAt: number;
  heard: boolean;
  heardAt: number;
  released: boolean;
}

/**
 * What the server may not have counted yet, per meter. A request is counted when it arrives, so it
 * is outstanding until an answer's headers show it; a completion's tokens are counted when it ends.
 */
const COUNTED_ON_ARRIVAL: Record<MeterName, boolean> = { requests: true, tokens: false, inputTokens: true, outputTokens: false };
const ARRIVAL_METERS = (Object.keys(COUNTED_ON_ARRIVAL) as MeterName[]).filter((name) => COUNTED_ON_ARRIVAL[name]);
const COMPLETION_METERS = (Object.keys(COUNTED_ON_ARRIVAL) as MeterName[]).filter((name) => !COUNTED_ON_ARRIVAL[name]);

interface Waiter {
  amounts: Record<MeterName, number>;
  resolve: (permit: Permit | undefined) => void;
}

/** A throttle is contradicted when the answer's own headers say this much or more remains. */
const CONTRADICTED_SHARE = 0.1;
/** Once someone else is seen spending the quota, pace evenly for this many windows after the last sighting. */
const SHARED_WINDOWS = 3;
/** Remaining older than this share of the window is stale: someone else may have spent it since. */
const STALE_SHARE = 0.05;

export class AdaptiveLimiter {
  private readonly meters: Record<MeterName, Meter>;
  private concurrency: number;
  /** Multiplies every even-pacing budget: 1 when clean, less after throttles. */
  private share = 1;
  /** Where concurrency and share were before the last decrease, so an isolated throttle is soon forgotten. */
  private before = { concurrency: 0, share: 1 };
  private holdUntil = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private successesSinceIncrease = 0;
  private throttledCount = 0;
  private probing = true;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  /** Granted starts in grant order, until heard and released. */
  private readonly sent: Outstanding[] = [];
  private readonly unheard: Record<MeterName, number> = { requests: 0, tokens: 0, inputTokens: 0, outputTokens: 0 };
  private readonly inFlightAmounts: Record<MeterName, number> = { requests: 0, tokens: 0, inputTokens: 0, outputTokens: 0 };
  private readonly byPermit = new WeakMap<Permit, Outstanding>();
  private seq = 0;
  private readonly timeline = new QuotaTimeline();
  private timer: NodeJS.Timeout | undefined;
  private nextStartAt: number | undefined;
  private closed = false;

  constructor(
    private readonly config: LimiterConfig,
    private readonly onConcurrency: (concurrency: number) => void = () => undefined,
    private readonly clock: () => number = clockNow,
  ) {
    this.meters = {
      requests: new Meter(config.windowMs, config.rpm, COUNTED_ON_ARRIVAL.requests, true),
      tokens: new Meter(config.windowMs, config.tpm, COUNTED_ON_ARRIVAL.tokens, false),
      inputTokens: new Meter(config.windowMs, undefined, COUNTED_ON_ARRIVAL.inputTokens, false),
      outputTokens: new Meter(config.windowMs, undefined, COUNTED_ON_ARRIVAL.outputTokens, false),
    };
    this.concurrency = config.maxConcurrency;
    this.before.concurrency = config.maxConcurrency;
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

  /**
   * Rate-limit headers of any answer for this quota key; `permit` says which start it answers
   * (without it, the oldest start whose headers have not come yet).
   */
  observe(signal: RateLimitSignal, permit?: Permit): void {
    const at = this.clock();
    const entry = (permit !== undefined ? this.byPermit.get(permit) : undefined) ?? this.sent.find((candidate) => !candidate.heard);
    if (entry !== undefined && !entry.heard) {
      for (const name of ARRIVAL_METERS) this.meters[name].credit.noteArrivalDelay(entry.handles[name].credit, at - entry.grantedAt);
    }
    const observe = (name: MeterName, limit: number | undefined, remaining: number | undefined): void =>
      this.meters[name].observe(
        limit,
        remaining,
        at,
        entry?.handles[name].credit,
        entry !== undefined ? this.outstandingAt(name, entry) : 0,
        entry !== undefined ? this.ambiguityAt(name, entry) : 0,
        name === 'requests' ? 0 : this.inFlightAmounts[name],
      );
    observe('requests', signal.limitRequests, signal.remainingRequests);
    observe('tokens', signal.limitTokens, signal.remainingTokens);
    observe('inputTokens', signal.limitInputTokens, signal.remainingInputTokens);
    observe('outputTokens', signal.limitOutputTokens, signal.remainingOutputTokens);
    // A server keeps all its dimensions the same way; token readings are too noisy to learn it from.
    const requests = this.meters.requests.credit;
    if (requests.model === 'bucket') for (const meter of Object.values(this.meters)) meter.credit.adoptBucket();
    if (requests.model === 'fixed')
      for (const meter of Object.values(this.meters)) if (meter.credit !== requests) meter.credit.adoptFixed(requests.nextResetAt);
    // Only now: while unheard, it keeps the starts it overlapped from being forgotten.
    if (entry !== undefined) this.markHeard(entry);
    const settled = (this.sent.find((candidate) => !candidate.heard)?.seq ?? this.seq + 1) - 1;
    for (const meter of Object.values(this.meters)) meter.credit.settle(at, settled);
    this.probing = false;
    this.pump();
  }

  snapshot(): LimiterSnapshot {
    const at = this.clock();
    const requests = this.meters.requests;
    const tokens = this.meters.tokens;
    const modelOf = (meter: Meter): RefillModel | 'shared' | undefined =>
      !meter.credit.known ? undefined : at < meter.sharedUntil ? 'shared' : meter.credit.model;
    const creditOf = (meter: Meter, name: MeterName): number | undefined => {
      const credit = meter.credit.available(at, this.outstanding(name), this.seq);
      return credit === undefined ? undefined : Math.max(0, Math.floor(credit - meter.margin(this.config.headroom)));
    };
    return {
      concurrency: this.concurrency,
      requestBudget: requests.budget(at, this.config.headroom, this.share),
      tokenBudget: tokens.budget(at, this.config.headroom, this.share),
      remainingRequests: requests.remaining,
      remainingTokens: tokens.remaining,
      waiting: this.queue.length,
      throttled: this.throttledCount,
      nextStartAt: this.nextStartAt,
      refill: modelOf(requests) ?? modelOf(tokens) ?? modelOf(this.meters.outputTokens) ?? modelOf(this.meters.inputTokens),
      creditRequests: creditOf(requests, 'requests'),
      creditTokens: creditOf(tokens, 'tokens'),
      limitRequests: requests.credit.limit ?? this.config.rpm,
      timeline: this.timeline.snapshot(),
    };
  }

  /** Stops granting: waiting and later starts get no permit, so the run can wind down. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const waiter of this.queue.splice(0)) waiter.resolve(undefined);
  }

  /** Our sends the server may not have counted yet, for one meter. */
  private outstanding(name: MeterName): number {
    return COUNTED_ON_ARRIVAL[name] ? this.unheard[name] : this.inFlightAmounts[name];
  }

  /**
   * What of ours, up to and including `entry`, the server may not have counted when it answered
   * `entry`: earlier starts still on their way when it went (they may have arrived after it), and
   * for completion-counted meters everything up to it still running.
   */
  private outstandingAt(name: MeterName, entry: Outstanding): number {
    let sum = 0;
    for (const other of this.sent) {
      if (other.seq > entry.seq) continue;
      if (COUNTED_ON_ARRIVAL[name] ? other !== entry && this.overlaps(other, entry) : !other.released) sum += other.amounts[name];
    }
    return sum;
  }

  /** What of ours went about the same time as `entry`, so that the server may or may not have counted it with it. */
  private ambiguityAt(name: MeterName, entry: Outstanding): number {
    let sum = 0;
    for (const other of this.sent) if (other !== entry && (other.seq > entry.seq || this.overlaps(other, entry))) sum += other.amounts[name];
    return sum;
  }

  /** An earlier start still unheard when `entry` went. */
  private overlaps(earlier: Outstanding, entry: Outstanding): boolean {
    return earlier.seq < entry.seq && (!earlier.heard || earlier.heardAt > entry.grantedAt);
  }

  private markHeard(entry: Outstanding): void {
    if (entry.heard) return;
    entry.heard = true;
    entry.heardAt = this.clock();
    for (const name of Object.keys(this.unheard) as MeterName[]) this.unheard[name] -= entry.amounts[name];
    this.prune();
  }

  /** Forgets finished starts no later answer can be ambiguous with. */
  private prune(): void {
    const oldestUnheard = this.sent.find((entry) => !entry.heard)?.grantedAt ?? Number.POSITIVE_INFINITY;
    while (this.sent.length > 0 && this.sent[0]!.heard && this.sent[0]!.released && this.sent[0]!.heardAt <= oldestUnheard) this.sent.shift();
  }

  private grant(waiter: Waiter, at: number): Permit {
    const paced = !this.creditMode(at);
    const seq = ++this.seq;
    this.timeline.sent(at);
    const handles = {} as Record<MeterName, ChargeHandle>;
    for (const name of Object.keys(this.meters) as MeterName[]) {
      const meter = this.meters[name];
      handles[name] = meter.charge(at, waiter.amounts[name], meter.budget(at, this.config.headroom, this.share), paced, seq);
    }
    const entry: Outstanding = {
      seq,
      amounts: { ...waiter.amounts },
      handles,
      grantedAt: at,
      heard: false,
      heardAt: Number.POSITIVE_INFINITY,
      released: false,
    };
    this.sent.push(entry);
    for (const name of Object.keys(this.unheard) as MeterName[]) {
      this.unheard[name] += entry.amounts[name];
      this.inFlightAmounts[name] += entry.amounts[name];
    }
    this.inFlight++;
    let released = false;
    const permit: Permit = {
      release: (report) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.probing = false;
        entry.released = true;
        for (const name of Object.keys(this.inFlightAmounts) as MeterName[]) this.inFlightAmounts[name] -= entry.amounts[name];
        // An answer without headers (or an error before them) is as counted as it will ever be.
        this.markHeard(entry);
        this.prune();
        // Completions are counted when they end: that is how late the server forgets their tokens.
        for (const name of COMPLETION_METERS) this.meters[name].credit.noteArrivalDelay(entry.handles[name].credit, this.clock() - entry.grantedAt);
        const actual: Partial<Record<MeterName, number>> = {};
        if (report.usedTokens !== undefined) actual.tokens = report.usedTokens;
        if (report.promptTokens !== undefined) actual.inputTokens = report.promptTokens;
        if (report.completionTokens !== undefined) actual.outputTokens = report.completionTokens;
        const now = this.clock();
        for (const name of Object.keys(handles) as MeterName[]) {
          const handle = handles[name];
          const amount = actual[name];
          const meter = this.meters[name];
          if (report.throttled) meter.uncount(handle, waiter.amounts[name]);
          else if (amount !== undefined) meter.correct(handle, waiter.amounts[name], amount, meter.budget(now, this.config.headroom, this.share));
        }
        if (report.throttled) this.onThrottled(report.retryAfterMs, at);
        else this.onSuccess();
        this.pump();
      },
    };
    this.byPermit.set(permit, entry);
    return permit;
  }

  /** When the server last said what remains, on any meter. */
  private lastHeardAt(): number {
    return Math.max(...Object.values(this.meters).map((meter) => meter.observedAt));
  }

  /** Whether every limited meter spends credit (none paces evenly). */
  private creditMode(at: number): boolean {
    if (this.config.pacing === 'even') return false;
    for (const meter of Object.values(this.meters)) {
      if (meter.limit() !== undefined && !meter.usesCredit(at)) return false;
    }
    return true;
  }

  private onThrottled(retryAfterMs: number | undefined, grantedAt: number): void {
    const at = this.clock();
    this.throttledCount++;
    this.timeline.throttled(at);
    // Headers seen since this request was sent: what the server said while it refused it.
    const fresh = Object.values(this.meters).filter(
      (meter) => meter.remaining !== undefined && meter.observedAt >= grantedAt && meter.credit.limit !== undefined,
    );
    const contradicted = fresh.length > 0 && fresh.every((meter) => meter.remaining! > Math.max(2, CONTRADICTED_SHARE * meter.credit.limit!));
    // Plenty remains by the server's own word (a prompt-triggered refusal): nothing to back off from.
    if (contradicted && this.config.pacing !== 'even') return;
    const spendsCredit = this.config.pacing !== 'even' && fresh.length > 0 && this.creditMode(at);
    // Credit already stands at what the server said remains; without Retry-After there is nothing more to wait for.
    const hold = retryAfterMs ?? (spendsCredit ? 0 : 1000);
    this.holdUntil = Math.max(this.holdUntil, at + safeDelayMs(hold));
    if (spendsCredit) return;
    // One decrease per second at most: a burst of throttled answers is one congestion event.
    if (at - this.lastDecreaseAt < 1000) return;
    if (at - this.lastDecreaseAt > this.config.windowMs) this.before = { concurrency: this.concurrency, share: this.share };
    this.lastDecreaseAt = at;
    this.share = Math.max(0.1, this.share * 0.8);
    this.setConcurrency(Math.max(1, Math.floor(this.concurrency / 2)));
  }

  private onSuccess(): void {
    // Additive increase: about one step per round of `concurrency` clean answers; back to where it
    // was before the last decrease twice as fast, so an isolated throttle does not shrink the run for long.
    this.successesSinceIncrease++;
    if (this.successesSinceIncrease >= this.concurrency) {
      this.successesSinceIncrease = 0;
      const gap = this.config.pacing === 'even' ? 0 : Math.max(0, this.before.concurrency - this.concurrency);
      const step = Math.max(1, Math.ceil(gap / 2));
      if (this.concurrency < this.config.maxConcurrency) this.setConcurrency(Math.min(this.config.maxConcurrency, this.concurrency + step));
      this.share = Math.min(1, this.share + Math.max(0.02, this.config.pacing === 'even' ? 0 : (this.before.share - this.share) / 2));
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
        // Never leave a waiter without a timer: at worst, look again a window later. Never a
        // delay setTimeout cannot take (it would fire at once, over and over).
        const wakeAt = Number.isFinite(startAt) ? startAt : at + this.config.windowMs;
        this.nextStartAt = wakeAt;
        this.timer = setTimeout(() => this.pump(), Math.min(MAX_TIMER_MS, Math.max(1, wakeAt - at)));
        return;
      }
      this.queue.shift();
      waiter.resolve(this.grant(waiter, at));
    }
  }

  private fitsAt(waiter: Waiter, at: number): number {
    let startAt = at;
    const credit = this.creditMode(at);
    // Credit read long ago may be gone (someone else may have spent it since): one start goes
    // first, and its answer says what is left.
    // The same for even pacing, whose estimate of what others spend would otherwise only decay.
    const heardAt = this.lastHeardAt();
    if (
      this.config.pacing !== 'even' &&
      Number.isFinite(heardAt) &&
      this.unheard.requests > 0 &&
      at - heardAt > Math.max(50, STALE_SHARE * this.config.windowMs)
    )
      return Number.POSITIVE_INFINITY;
    for (const name of Object.keys(this.meters) as MeterName[]) {
      const meter = this.meters[name];
      if (credit && meter.credit.known) {
        const margin = meter.margin(this.config.headroom);
        // A single request larger than the whole quota still goes, alone, when the credit is whole.
        const amount = Math.min(waiter.amounts[name], Math.max(0, (meter.credit.limit ?? 0) - margin));
        startAt = Math.max(startAt, meter.credit.fitsAt(at, amount, margin, this.outstanding(name), this.seq));
        continue;
      }
      const budget = meter.budget(at, this.config.headroom, this.share);
      if (budget === undefined) continue;
      const amount = Math.min(waiter.amounts[name], budget);
      startAt = Math.max(startAt, meter.fitsAt(at, amount, budget));
    }
    return startAt;
  }
}
