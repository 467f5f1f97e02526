/**
 * Live view. On a terminal, several lines redrawn in place (the run, each cell with its ETA, each
 * limiter with the quota the server says remains, the cost so far), each cut to the terminal's
 * width; elsewhere (CI logs) a plain status line every few seconds. The redraw is log-update's: it
 * erases exactly the rows it drew, which hand-written escapes got wrong once a line wrapped.
 */
import { createLogUpdate } from 'log-update';
import type { AdaptiveLimiter } from '../load/limiter.js';
import type { Outcome } from '../metrics/types.js';
import { now } from '../util/clock.js';
import { statusLine, terminalLines, zeroCounts, type LiveState, type OutcomeCounts } from './live-lines.js';

export interface ProgressView {
  started(): void;
  finished(outcome: Outcome, cell?: { id: string; label: string }): void;
  /** Prints text (a log line) above the live lines, which are drawn again under it. */
  persist(text: string): void;
  stop(): void;
}

export interface ProgressOptions {
  tty: boolean;
  /** Where to draw (stderr by default); a terminal says its width in `columns`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  intervalMs?: number;
  simulated?: boolean;
  stage?: string | undefined;
  /** The stage's cells, in plan order (each gets a line on a terminal). */
  cells?: ReadonlyArray<{ id: string; label: string }>;
  limiters?: ReadonlyMap<string, AdaptiveLimiter>;
  /** What the run's extensions have to show live (the cost so far, with the budget), asked at each redraw. */
  liveText?: () => string | undefined;
  /** True once the run was interrupted (Ctrl-C): the view then says so. */
  interrupted?: () => boolean;
}

export function createProgress(total: number | undefined, options: ProgressOptions): ProgressView {
  const stream = options.stream ?? process.stderr;
  const startedAt = now();
  const counts = zeroCounts();
  const cells = new Map<string, { id: string; label: string; counts: OutcomeCounts }>();
  for (const cell of options.cells ?? []) cells.set(cell.id, { ...cell, counts: zeroCounts() });
  let started = 0;
  let stopped = false;
  // A terminal that gives no size (a pty nobody sized says 0 x 0) gets the plain lines: a redraw needs its height.
  const sized = (stream.columns ?? 0) > 0 && (stream.rows ?? 0) > 0;
  // The cursor stays visible: a run killed mid-draw must not leave the user's terminal without one.
  const live = options.tty && sized ? createLogUpdate(stream, { showCursor: true }) : undefined;

  const state = (): LiveState => ({
    elapsedSec: (now() - startedAt) / 1000,
    total,
    started,
    counts,
    cells: [...cells.values()],
    // Keys are `api/endpoint`; the endpoint says which quota this is.
    limiters: [...(options.limiters ?? [])].map(([key, limiter]) => ({ name: key.slice(key.indexOf('/') + 1), snapshot: limiter.snapshot() })),
    cost: options.liveText?.(),
    simulated: options.simulated === true,
    stage: options.stage,
    interrupted: options.interrupted?.() === true,
  });
  const draw = (): void => {
    if (live === undefined) {
      stream.write(`${statusLine(state())}\n`);
      return;
    }
    // One column spare: a line as wide as the terminal moves some terminals' cursor to the next row.
    const width = Math.max(20, (stream.columns ?? 0) - 1);
    live(terminalLines(state(), width).join('\n'));
  };
  const timer = setInterval(draw, options.intervalMs ?? (live !== undefined ? 200 : 5000));
  timer.unref();
  return {
    started: () => {
      started++;
    },
    finished: (outcome, cell) => {
      counts[outcome]++;
      if (cell === undefined) return;
      let entry = cells.get(cell.id);
      if (entry === undefined) {
        entry = { ...cell, counts: zeroCounts() };
        cells.set(cell.id, entry);
      }
      entry.counts[outcome]++;
    },
    persist: (text) => {
      if (live === undefined || stopped) {
        stream.write(text);
        return;
      }
      live.persist(text.endsWith('\n') ? text.slice(0, -1) : text);
      draw();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      draw();
      live?.done();
    },
  };
}
