/**
 * The time a cell or stage was busy, per session: from its first dispatch to its last completion
 * within each session of the run, added over sessions. A resumed run's pause (minutes or days) is
 * not part of any window, and each session's instants are compared only with its own (a session's
 * clock starts anew), so rates stay requests per second of sending.
 */
export class SessionWindows {
  private readonly spans = new Map<number, { first: number; last: number }>();

  /** A request of `session` dispatched at `dispatchedAt` (and, unless dropped, done at `doneAt`). */
  add(session: number, dispatchedAt: number | undefined, doneAt: number | undefined): void {
    if (dispatchedAt === undefined && doneAt === undefined) return;
    const span = this.spans.get(session) ?? { first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
    if (dispatchedAt !== undefined) span.first = Math.min(span.first, dispatchedAt);
    if (doneAt !== undefined) span.last = Math.max(span.last, doneAt);
    this.spans.set(session, span);
  }

  /** The busy milliseconds, summed over sessions (0 when none has a complete span). */
  totalMs(): number {
    let total = 0;
    for (const { first, last } of this.spans.values()) if (Number.isFinite(first) && last > first) total += last - first;
    return total;
  }
}
