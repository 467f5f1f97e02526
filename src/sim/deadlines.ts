/**
 * One setTimeout per scheduled write, aimed at an absolute monotonic deadline. Node may fire a
 * timer a fraction of a millisecond before the requested delay as measured by performance.now(),
 * which would let a client measure a TTFT below the configured one; such a timer re-arms for the
 * remainder instead. All pending timers are tracked so close() can clear them at once.
 */
import { now } from '../util/clock.js';

export type Cancel = () => void;

export class DeadlineTimers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `action` at `deadline` (synchronously when it has already passed). */
  at(deadline: number, action: () => void): Cancel {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const wait = deadline - now();
      if (wait <= 0) {
        timer = undefined;
        action();
        return;
      }
      const armed = setTimeout(() => {
        this.pending.delete(armed);
        arm();
      }, Math.ceil(wait));
      timer = armed;
      this.pending.add(armed);
    };
    arm();
    return () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      this.pending.delete(timer);
      timer = undefined;
    };
  }

  clearAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
