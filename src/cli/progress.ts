/**
 * Live view: a redrawn status line on a TTY, a plain line every few seconds elsewhere (CI logs stay
 * readable). Shows answered/planned (a request cancelled or dropped unsent is counted apart, never
 * as done, so an interrupted run does not claim 240/240), ok/errors/throttled, in flight, the completion rate, and what the
 * adaptive limiter is doing (its concurrency, request budget per window and the quota the server
 * says remains), and the cost so far (with the budget, when --max-cost / --max-tokens set one).
 */
import type { AdaptiveLimiter } from '../load/limiter.js';
import type { Outcome } from '../metrics/types.js';
import { now } from '../util/clock.js';

export interface ProgressView {
  started(): void;
  finished(outcome: Outcome): void;
  stop(): void;
}

export interface ProgressOptions {
  tty: boolean;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
  simulated?: boolean;
  stage?: string | undefined;
  limiters?: ReadonlyMap<string, AdaptiveLimiter>;
  /** What the run's extensions have to show live (the cost so far, with the budget), asked at each redraw. */
  liveText?: () => string | undefined;
  /** True once the run was interrupted (Ctrl-C): the line then says so. */
  interrupted?: () => boolean;
}

export function createProgress(total: number | undefined, options: ProgressOptions): ProgressView {
  const stream = options.stream ?? process.stderr;
  const startedAt = now();
  const counts = { ok: 0, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 } satisfies Record<Outcome, number>;
  let done = 0;
  let started = 0;
  let stopped = false;
  const limiterText = (): string => {
    const parts: string[] = [];
    for (const [key, limiter] of options.limiters ?? []) {
      const s = limiter.snapshot();
      // Keys are `api/endpoint`; the endpoint says which quota this is.
      const name = key.slice(key.indexOf('/') + 1);
      // Spending the server's Remaining (with the refill model it inferred), or pacing evenly.
      const credit = s.refill !== undefined && s.refill !== 'shared' && s.creditRequests !== undefined;
      const budget = credit
        ? ` ${s.refill} credit ${s.creditRequests}`
        : s.requestBudget !== undefined
          ? ` pace ${Math.floor(s.requestBudget)}/window${s.refill === 'shared' ? ' (shared)' : ''}`
          : '';
      const remaining = s.remainingRequests !== undefined ? ` remaining ${s.remainingRequests}` : '';
      const tokens = s.remainingTokens !== undefined ? `/${s.remainingTokens}tok` : '';
      parts.push(`${name} c=${s.concurrency}${budget}${remaining}${tokens}${s.waiting > 0 ? ` waiting ${s.waiting}` : ''}`);
    }
    return parts.length > 0 ? ` | ${parts.join('; ')}` : '';
  };
  const line = (): string => {
    const elapsed = (now() - startedAt) / 1000;
    // Finished with an outcome from the server (or the transport): cancelled and dropped were never answered.
    const unsent = counts.cancelled + counts.dropped;
    const answered = done - unsent;
    const rate = elapsed > 0 ? answered / elapsed : 0;
    const errors = counts.failed + counts.timeout;
    const inFlight = Math.max(0, started - answered);
    const width = 24;
    const filled = total !== undefined && total > 0 ? Math.min(width, Math.round((answered / total) * width)) : 0;
    const bar = options.tty && total !== undefined ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const interrupted = options.interrupted?.() === true;
    const prefix = `${interrupted ? 'INTERRUPTED ' : ''}${options.simulated ? '[SIMULATED] ' : ''}${options.stage !== undefined ? `${options.stage} ` : ''}`;
    const notSent = `${counts.cancelled > 0 ? ` cancelled ${counts.cancelled}` : ''}${counts.dropped > 0 ? ` dropped ${counts.dropped}` : ''}`;
    const cost = options.liveText?.();
    return (
      `${prefix}${bar}${answered}${total !== undefined ? `/${total}` : ''} answered: ok ${counts.ok} errors ${errors} ` +
      `throttled ${counts.throttled}${notSent} in-flight ${inFlight} ${rate.toFixed(1)} ` +
      `req/s ${elapsed.toFixed(0)}s${cost !== undefined ? ` | ${cost}` : ''}${limiterText()}`
    );
  };
  const draw = (): void => {
    if (!options.tty) {
      stream.write(`${line()}\n`);
      return;
    }
    // A line wider than the terminal wraps, and the next redraw would clear only its last row.
    const width = Math.max(20, (stream.columns ?? 120) - 1);
    const text = line();
    stream.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  };
  const timer = setInterval(draw, options.intervalMs ?? (options.tty ? 200 : 5000));
  timer.unref();
  return {
    started: () => {
      started++;
    },
    finished: (outcome) => {
      counts[outcome]++;
      done++;
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      draw();
      if (options.tty) stream.write('\n');
    },
  };
}
