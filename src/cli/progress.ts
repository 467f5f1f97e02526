/**
 * Live progress: a redrawn status line on a TTY, a plain line every few seconds elsewhere (CI logs
 * stay readable). Shows done/total, ok/errors/throttled, in flight and the completion rate.
 */
import { now } from '../util/clock.js';
import type { Outcome } from '../metrics/types.js';

export interface ProgressView {
  started(): void;
  finished(outcome: Outcome): void;
  stop(): void;
}

export function createProgress(total: number, options: { tty: boolean; stream?: NodeJS.WriteStream; intervalMs?: number; simulated?: boolean }): ProgressView {
  const stream = options.stream ?? process.stderr;
  const startedAt = now();
  const counts = { ok: 0, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 } satisfies Record<Outcome, number>;
  let done = 0;
  let started = 0;
  let stopped = false;
  const line = (): string => {
    const elapsed = (now() - startedAt) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const errors = counts.failed + counts.timeout;
    const inFlight = Math.max(0, started - done);
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = options.tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    return `${options.simulated ? '[SIMULATED] ' : ''}${bar}${done}/${total} ok ${counts.ok} errors ${errors} throttled ${counts.throttled} in-flight ${inFlight} ${rate.toFixed(1)} req/s ${elapsed.toFixed(0)}s`;
  };
  const draw = (): void => {
    if (options.tty) stream.write(`\r\u001b[2K${line()}`);
    else stream.write(`${line()}\n`);
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
