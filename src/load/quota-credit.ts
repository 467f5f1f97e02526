/**
 * Remaining as credit: what the server says is left of a quota dimension is spendable now, and the
 * way Remaining moves between answers says how the quota refills. Nobody tells us the model:
 *
 * - 'unknown' (until evidence) and 'rolling': a charge comes back one window after it reached the
 *   server; our own send log says when. This is safe under every model (a bucket or a fixed window
 *   has refilled at least that much by then), so it is what we assume before we know better.
 * - 'fixed': the server forgot at once nearly everything it had counted (a reset); the next reset is
 *   at most one window after the first answer that showed the new window's count.
 * - 'bucket': the server forgets, bit by bit, more than our own aged-out sends explain: it refills
 *   continuously, at limit/window.
 *
 * An answer's Remaining is the server's state when that request arrived, so it is read against our
 * log as of that request's start (a Mark): everything we started later comes off it. A later start's
 * answer supersedes an earlier one's; an earlier one arriving late is stale and ignored.
 */
import { SlidingWindow } from './sliding-window.js';

export type RefillModel = 'unknown' | 'rolling' | 'fixed' | 'bucket';

/** Our log keeps a charge a little longer than the server's window: clocks and counting differ slightly. */
const EXPIRY_MARGIN = 0.01;
/** A request counted later than this share of the window after it went is taken as counted then (an answer may be heard only at its end). */
const MAX_ARRIVAL_SHARE = 0.25;
/** The inference log forgets a little earlier than the server, so our aging never explains less than the server forgot. */
const EARLY_WINDOW = 0.97;

/** Where our log stood right after one start was charged. */
export interface Mark {
  seq: number;
  at: number;
  handles: [number, number];
  charged: number;
  expired: number;
  expiredEarly: number;
  /** Our sends in the (slightly short) window up to and including this one, and when the oldest of them went. */
  usedEarly: number;
  oldestEarly: number;
  /** How many corrections had been made when this mark was taken. */
  corrections: number;
}

interface Anchor {
  seq: number;
  remaining: number;
  /** What the server counted beyond our own log (another client, or an earlier run), as of the anchor. */
  others: number;
  /** Our sends up to the anchor that the server had not counted yet (completions still running). */
  outstanding: number;
  at: number;
  charged: number;
  expired: number;
}

interface Reading {
  used: number;
  outstanding: number;
  /** How far off `used` may be because starts near this one reached the server in another order. */
  ambiguity: number;
  mark: Mark;
  /** When its headers came: the server counted it by then, and anything it shows refilled since is new. */
  heardAt: number;
}

export class QuotaCredit {
  model: RefillModel = 'unknown';
  limit: number | undefined;
  /** Fixed windows: the latest instant the current window can end. */
  nextResetAt: number | undefined;
  private anchor: Anchor | undefined;
  private previous: Reading | undefined;
  /** Readings of starts that went with others still on their way, until all of those are heard. */
  private unsettled: Array<Reading & { remaining: number }> = [];
  /** A clean reading found no continuous refill: wait for aging instead of probing for a bucket. */
  private notBucket = false;
  /**
   * Until a reading taken after our first spend shows nobody else spending, half the quota is kept
   * back: clients that start together must not each spend all of it before they see each other.
   */
  trusted = false;
  private firstSpendSeq: number | undefined;
  /** A bucket probe is due (the next start is it), or the seq of the one whose answer we await. */
  private probeArmed = false;
  private probeSeq: number | undefined;
  /** Every charge we ever made (corrections included), so two readings give what we sent between them. */
  private charged = 0;
  /** Corrections in the order made (an estimate replaced by usage, a refused start uncounted), from `correctionsOffset` on. */
  private corrections: Array<{ seq: number; delta: number }> = [];
  private correctionsOffset = 0;
  private readonly log: SlidingWindow;
  private readonly early: SlidingWindow;
  readonly expiryMs: number;
  /** A smoothed upper bound on how long a request takes to reach the server (send to headers). */
  private arrivalDelayMs = 0;

  constructor(
    readonly windowMs: number,
    /** Requests and prompt tokens are counted when a request arrives; completions when it ends. */
    private readonly countedOnArrival: boolean,
    /**
     * Whether these readings may conclude a fixed window on their own. Token readings may not: an
     * estimate corrected late, or a completion counted at its end, looks just like a reset, and a
     * wrong reset starves the run until the next one. They take it from the requests instead.
     */
    private readonly infersResets = true,
  ) {
    this.expiryMs = windowMs * (1 + EXPIRY_MARGIN) + 10;
    this.log = new SlidingWindow(this.expiryMs);
    this.early = new SlidingWindow(windowMs * EARLY_WINDOW);
  }

  /**
   * Another dimension of the same quota learnt that it is a bucket: a server keeps all its
   * dimensions the same way, and token readings are too noisy (estimates, completions counted
   * late) to learn it from alone.
   */
  adoptBucket(): void {
    if (this.model === 'unknown' || this.model === 'rolling') this.model = 'bucket';
  }

  /** The same for a fixed window the requests showed, with the instant their window ends. */
  adoptFixed(nextResetAt: number | undefined): void {
    if (nextResetAt === undefined) return;
    this.model = 'fixed';
    this.nextResetAt = nextResetAt;
  }

  /** Our sends the server may still count at `at` (each dated by when it reached the server). */
  ours(at: number): number {
    return this.log.used(at);
  }

  get known(): boolean {
    return this.anchor !== undefined && this.limit !== undefined;
  }

  charge(at: number, amount: number, seq: number, onCredit: boolean): Mark {
    if (onCredit && this.firstSpendSeq === undefined && this.anchor !== undefined) this.firstSpendSeq = seq;
    if (this.probeArmed) {
      this.probeArmed = false;
      this.probeSeq = seq;
    }
    const handles: [number, number] = [this.log.charge(at, amount, this.arrivalDelayMs), this.early.charge(at, amount)];
    this.charged += amount;
    const usedEarly = this.early.used(at);
    const corrections = this.correctionsOffset + this.corrections.length;
    return {
      seq,
      at,
      handles,
      charged: this.charged,
      expired: this.log.expired(at),
      expiredEarly: this.early.expired(at),
      usedEarly,
      oldestEarly: this.early.oldest(at) ?? at,
      corrections,
    };
  }

  correct(mark: Mark, estimate: number, amount: number): void {
    this.charged += amount - estimate;
    this.corrections.push({ seq: mark.seq, delta: amount - estimate });
    // Old corrections matter only to readings long superseded: keep the log bounded.
    if (this.corrections.length > 8192) {
      this.corrections.splice(0, 4096);
      this.correctionsOffset += 4096;
    }
    // The anchor's Remaining already shows what an earlier start really cost (or that it was refused).
    if (this.anchor !== undefined && mark.seq <= this.anchor.seq) {
      this.anchor.charged += amount - estimate;
      if (this.countedOnArrival) {
        // The anchor took it as ours in the server's count: what it cost less is someone else's.
        this.anchor.others = Math.max(0, this.anchor.others - (amount - estimate));
      } else {
        // Counted when it ends, so not yet at the anchor: it was outstanding there, at its estimate.
        this.anchor.outstanding = Math.max(0, this.anchor.outstanding + (amount - estimate));
      }
    }
    this.log.correct(mark.handles[0], amount);
    this.early.correct(mark.handles[1], amount);
  }

  /**
   * The start at `mark` was heard (or, for completion-counted meters, ended) `ms` after it went: the
   * server counted it by then, so it leaves the server's window no later than that plus a window.
   * Later starts are dated with a smoothed upper bound of this delay.
   */
  noteArrivalDelay(mark: Mark, ms: number): void {
    const capped = Math.min(Math.max(0, ms), this.windowMs * MAX_ARRIVAL_SHARE);
    this.log.redate(mark.handles[0], mark.at + capped);
    this.arrivalDelayMs = Math.max(capped, this.arrivalDelayMs * 0.9 + capped * 0.1);
  }

  /**
   * The headers of the answer to the start at `mark`: re-anchor the credit and learn the refill
   * model. `outstanding` is what of ours up to that start the server may not have counted yet;
   * `ambiguity` what of ours went about the same time, so that it may or may not be in the count.
   */
  observe(at: number, limit: number | undefined, remaining: number | undefined, mark: Mark, outstanding: number, ambiguity: number): void {
    if (limit !== undefined && limit > 0) this.limit = limit;
    if (remaining === undefined || this.limit === undefined) return;
    const L = this.limit;
    const reading: Reading = { used: Math.max(0, L - remaining), outstanding, ambiguity, mark, heardAt: at };
    // Even a reading older than the anchor bounds what its group counted.
    if (ambiguity > 0) this.unsettled.push({ ...reading, remaining });
    if (this.anchor !== undefined && mark.seq <= this.anchor.seq) return;
    this.accept(at, reading, remaining, outstanding);
  }

  private accept(at: number, reading: Reading, remaining: number, outstanding: number): void {
    const L = this.limit!;
    const mark = reading.mark;
    this.infer(at, reading, L);
    // The server counted this request by the time it answered, and it arrived soon after it went.
    const arrivedBy = Math.min(at, mark.at + this.arrivalDelayMs);
    if (this.model === 'fixed' && this.nextResetAt !== undefined && mark.at >= this.nextResetAt) this.nextResetAt = arrivedBy + this.expiryMs;
    this.previous = reading;
    const charged = this.chargedThrough(mark);
    // Our log forgets later than the server, so what it holds up to this start bounds what the server can have of ours.
    const oursThrough = this.log.used(at) - (this.charged - charged);
    const others = Math.max(0, L - remaining - oursThrough);
    this.anchor = { seq: mark.seq, remaining, others, outstanding, at: reading.heardAt, charged, expired: mark.expired };
    if (!this.trusted && reading.ambiguity === 0 && this.firstSpendSeq !== undefined && mark.seq >= this.firstSpendSeq && others <= Math.max(2, 0.05 * L))
      this.trusted = true;
  }

  /** What we charged up to and including the start at `mark`, as corrected since. */
  private chargedThrough(mark: Mark): number {
    let charged = mark.charged;
    for (let i = Math.max(0, mark.corrections - this.correctionsOffset); i < this.corrections.length; i++) {
      const correction = this.corrections[i]!;
      if (correction.seq <= mark.seq) charged += correction.delta;
    }
    return charged;
  }

  /**
   * Every start up to `seq` has been heard: of the readings of starts that went together, the one
   * with least remaining counted at least all of them, whatever order they arrived in. It becomes
   * the anchor, without the others taken off as possibly uncounted.
   */
  settle(at: number, seq: number): void {
    const group = this.unsettled.filter((reading) => reading.mark.seq <= seq);
    if (group.length === 0 || this.limit === undefined) return;
    this.unsettled = this.unsettled.filter((reading) => reading.mark.seq > seq);
    if (this.anchor !== undefined && seq < this.anchor.seq) return;
    const least = group.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    const last = group.reduce((a, b) => (b.mark.seq > a.mark.seq ? b : a));
    // The latest start's position (all of them counted), the least remaining, and aging from when that was seen.
    const mark: Mark = { ...last.mark, at: least.mark.at, expired: least.mark.expired };
    // Arrival-counted: all of them are in the count. Completion-counted: what ran then still may not be.
    const outstanding = this.countedOnArrival ? 0 : last.outstanding;
    // Starts after them may be in its count too: clean only when there are none.
    const ambiguity = Math.max(0, this.charged - this.chargedThrough(last.mark));
    this.accept(at, { used: least.used, outstanding, ambiguity, mark, heardAt: least.heardAt }, least.remaining, outstanding);
  }

  private infer(at: number, reading: Reading, L: number): void {
    const noise = Math.max(2, 0.1 * L);
    const quiet = Math.max(1, 0.02 * L);
    const previous = this.previous;
    if (previous !== undefined) {
      const dt = Math.max(0, reading.mark.at - previous.mark.at);
      // What the server forgot between the two starts: it had counted previous.used, and since then what we sent.
      const sent = this.chargedThrough(reading.mark) - this.chargedThrough(previous.mark) - (reading.outstanding - previous.outstanding);
      const forgot = previous.used + sent - reading.used;
      // Less what our own sends aging out explain (counted early, so a rolling window never looks like more).
      const unexplained = forgot - (reading.mark.expiredEarly - previous.mark.expiredEarly);
      const tolerance = reading.ambiguity + previous.ambiguity;
      const bucketRefill = (L * dt) / this.windowMs;
      if (this.infersResets && unexplained - tolerance > Math.max(noise, 0.25 * L, bucketRefill + noise) && forgot >= 0.5 * previous.used) {
        this.model = 'fixed';
        this.nextResetAt = Math.min(at, reading.mark.at + this.arrivalDelayMs) + this.expiryMs;
        return;
      }
      if (this.model === 'bucket' && tolerance <= quiet && previous.used > noise && forgot + tolerance < 0.5 * bucketRefill - 1) {
        // It refilled much less than a bucket would, while there was room to: no bucket after all.
        this.model = 'unknown';
        this.notBucket = true;
      }
      if (this.model === 'unknown' && tolerance <= quiet && forgot > noise && unexplained <= tolerance) this.model = 'rolling';
    }
    if (this.model === 'fixed' || this.model === 'bucket' || this.notBucket || reading.ambiguity > quiet) return;
    // A clean reading (nothing of ours reached the server near it): it counted all our earlier sends
    // still in its window, unless it refilled without them aging out.
    const slack = reading.mark.usedEarly - reading.used - reading.outstanding;
    const bucketSince = ((reading.mark.at - reading.mark.oldestEarly) * L) / this.windowMs;
    if (slack > Math.max(1.5, 0.03 * L)) this.model = 'bucket';
    // (A refused start still sits in our log when its answer is read: up to one over is none.)
    else if (bucketSince >= 5 && slack <= 1.5) this.notBucket = true;
  }

  /** Credit we may spend at `at` before any margin, or undefined before the first Remaining. */
  available(at: number, outstandingNow: number, seqNow: number): number | undefined {
    const credit = this.credit(at, outstandingNow, seqNow);
    return credit === undefined || this.trusted ? credit : credit - (this.limit ?? 0) / 2;
  }

  private credit(at: number, outstandingNow: number, seqNow: number): number | undefined {
    const anchor = this.anchor;
    const L = this.limit;
    if (anchor === undefined || L === undefined) return undefined;
    // No answer has shown the last reset: windows are periodic, so the next is at most a window later.
    if (this.model === 'fixed' && this.nextResetAt !== undefined && anchor.at >= this.nextResetAt && at >= this.nextResetAt + this.expiryMs)
      this.nextResetAt += this.expiryMs;
    if (this.model === 'fixed' && this.nextResetAt !== undefined && at >= this.nextResetAt && anchor.at < this.nextResetAt) {
      // The window has ended: a fresh one, less what we have in flight that it may still count.
      this.anchor = {
        seq: seqNow,
        remaining: L,
        others: 0,
        outstanding: outstandingNow,
        at: this.nextResetAt,
        charged: this.charged,
        expired: this.log.expired(at),
      };
      return this.credit(at, outstandingNow, seqNow);
    }
    const spentSince = this.charged - anchor.charged + anchor.outstanding;
    const age = at - anchor.at;
    switch (this.model) {
      case 'bucket':
        return Math.min(L, anchor.remaining + (L * Math.max(0, age)) / this.windowMs) - spentSince;
      case 'fixed':
        return anchor.remaining - spentSince;
      default:
        // Our own log (dated by arrival, forgetting late) against the limit, less what others had; a
        // whole window after the anchor, everything counted then has aged out, whoever sent it.
        return L - this.log.used(at) - (age >= this.expiryMs + this.arrivalDelayMs ? 0 : anchor.others);
    }
  }

  /** The earliest instant `amount` fits under the credit less `margin` (at most about a window away, to look again). */
  fitsAt(at: number, amount: number, margin: number, outstandingNow: number, seqNow: number): number {
    const credit = this.available(at, outstandingNow, seqNow);
    if (credit === undefined || credit - margin >= amount - 1e-6) return at;
    const need = amount + margin - credit;
    // Never sooner than a hundredth of the window: without news nothing changes faster (no busy loop).
    const lookAgain = Math.max(at + Math.max(10, this.windowMs / 100), (this.anchor?.at ?? at) + this.expiryMs + this.arrivalDelayMs);
    switch (this.model) {
      case 'bucket':
        return Math.max(at + 1, Math.min(at + (need * this.windowMs) / (this.limit ?? 1), lookAgain));
      case 'fixed':
        return this.nextResetAt !== undefined && this.nextResetAt > at ? this.nextResetAt : lookAgain;
      default: {
        // When enough of our own sends age out, or a window after the anchor.
        const inLog = this.log.used(at);
        const whenOurs = inLog >= need ? this.log.fitsAt(at, need, inLog) : Number.POSITIVE_INFINITY;
        // Until a probe rules a bucket out, try once when a bucket would have refilled what we need:
        // at worst one throttled attempt, and a bucket is otherwise only seen a window later.
        const probing =
          (this.model === 'unknown' || this.model === 'rolling') &&
          !this.notBucket &&
          this.anchor !== undefined &&
          (this.probeSeq === undefined || this.anchor.seq >= this.probeSeq);
        // (Three times the refill time: the probe's answer then tells a bucket from a window clearly.)
        const probeAt = probing ? this.anchor!.at + (3 * Math.max(2, need) * this.windowMs) / (this.limit ?? 1) : Number.POSITIVE_INFINITY;
        if (probeAt <= at) {
          this.probeArmed = true;
          return at;
        }
        return Math.max(at + 1, Math.min(whenOurs, lookAgain, probeAt));
      }
    }
  }
}
