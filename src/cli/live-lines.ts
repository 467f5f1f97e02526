/**
 * What the live view says, as text: the one status line CI logs get every few seconds, and the
 * several lines a terminal gets (the run, each cell with its ETA, each limiter, the cost so far).
 * Pure: progress.ts keeps the counts and draws.
 */
import type { LimiterSnapshot } from '../load/limiter.js';
import type { Outcome } from '../metrics/types.js';
import { displayWidth, padEndToWidth, truncateToWidth } from '../report/text-width.js';
import { terminalSafe } from '../util/terminal-text.js';

export type OutcomeCounts = Record<Outcome, number>;

export const zeroCounts = (): OutcomeCounts => ({ ok: 0, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 });

export interface LiveState {
  elapsedSec: number;
  /** Planned requests of the stage; undefined when --duration bounds it. */
  total: number | undefined;
  started: number;
  counts: OutcomeCounts;
  cells: ReadonlyArray<{ id: string; label: string; counts: OutcomeCounts }>;
  limiters: ReadonlyArray<{ name: string; snapshot: LimiterSnapshot }>;
  cost: string | undefined;
  simulated: boolean;
  stage: string | undefined;
  interrupted: boolean;
}

/** Cell lines shown on a terminal; the rest are summed up in one line. */
export const LISTED_CELLS = 8;

/** Finished with an outcome from the server (or the transport): cancelled and dropped were never answered. */
const answeredOf = (counts: OutcomeCounts): number => counts.ok + counts.failed + counts.throttled + counts.timeout;

function prefixOf(state: LiveState): string {
  return `${state.interrupted ? 'INTERRUPTED ' : ''}${state.simulated ? '[SIMULATED] ' : ''}${state.stage !== undefined ? `${state.stage} ` : ''}`;
}

/** `pace 100/window remaining 87/12000tok`: what one limiter is doing and the quota the server says remains. */
export function limiterText(name: string, s: LimiterSnapshot): string {
  // Spending the server's Remaining (with the refill model it inferred), or pacing evenly.
  const credit = s.refill !== undefined && s.refill !== 'shared' && s.creditRequests !== undefined;
  const budget = credit
    ? ` ${s.refill} credit ${s.creditRequests}`
    : s.requestBudget !== undefined
      ? ` pace ${Math.floor(s.requestBudget)}/window${s.refill === 'shared' ? ' (shared)' : ''}`
      : '';
  const remaining = s.remainingRequests !== undefined ? ` remaining ${s.remainingRequests}` : '';
  const tokens = s.remainingTokens !== undefined ? `/${s.remainingTokens}tok` : '';
  return `${name} c=${s.concurrency}${budget}${remaining}${tokens}${s.waiting > 0 ? ` waiting ${s.waiting}` : ''}`;
}

/**
 * The one line of a CI log: answered/planned (a request cancelled or dropped unsent is counted
 * apart, never as done, so an interrupted run does not claim 240/240), outcomes, in flight, rate,
 * cost so far and the limiters.
 */
export function statusLine(state: LiveState): string {
  const { counts } = state;
  const answered = answeredOf(counts);
  const rate = state.elapsedSec > 0 ? answered / state.elapsedSec : 0;
  const errors = counts.failed + counts.timeout;
  const inFlight = Math.max(0, state.started - answered);
  const notSent = `${counts.cancelled > 0 ? ` cancelled ${counts.cancelled}` : ''}${counts.dropped > 0 ? ` dropped ${counts.dropped}` : ''}`;
  const limiters = state.limiters.map((limiter) => limiterText(limiter.name, limiter.snapshot));
  return (
    `${prefixOf(state)}${answered}${state.total !== undefined ? `/${state.total}` : ''} answered: ok ${counts.ok} errors ${errors} ` +
    `throttled ${counts.throttled}${notSent} in-flight ${inFlight} ${rate.toFixed(1)} ` +
    `req/s ${state.elapsedSec.toFixed(0)}s${state.cost !== undefined ? ` | ${state.cost}` : ''}${limiters.length > 0 ? ` | ${limiters.join('; ')}` : ''}`
  );
}

/** `1m05s`, `12s`; `-` when it cannot be told yet. */
export function durationText(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function bar(done: number, total: number | undefined, width: number): string {
  if (total === undefined || total <= 0) return '';
  const filled = Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
}

/** The bar only when the line still fits with it: the figures matter more than the picture. */
function withBar(prefix: string, barText: string, rest: string, width: number): string {
  const full = `${prefix}${barText}${rest}`;
  return displayWidth(full) <= width ? full : `${prefix}${rest}`;
}

/** Seconds left at the rate so far; undefined before anything finished or without a planned size. */
function etaSec(done: number, total: number | undefined, elapsedSec: number): number | undefined {
  if (total === undefined || done <= 0 || elapsedSec <= 0) return undefined;
  return Math.max(0, total - done) / (done / elapsedSec);
}

/**
 * The terminal's lines, each cut to `width` columns (wider would wrap, and a redraw would then
 * leave rows behind): the run, one line per cell (progress, rate, ETA), each limiter, the cost.
 */
export function terminalLines(state: LiveState, width: number): string[] {
  const { counts } = state;
  const answered = answeredOf(counts);
  const finished = answered + counts.cancelled + counts.dropped;
  const rate = state.elapsedSec > 0 ? answered / state.elapsedSec : 0;
  const inFlight = Math.max(0, state.started - answered);
  const notSent = counts.cancelled + counts.dropped > 0 ? `  not sent ${counts.cancelled + counts.dropped}` : '';
  const eta = state.total !== undefined ? `  ETA ${durationText(etaSec(finished, state.total, state.elapsedSec))}` : '';
  const lines = [
    withBar(
      prefixOf(state),
      bar(answered, state.total, 24),
      `${answered}${state.total !== undefined ? `/${state.total}` : ''} answered  ` +
        `ok ${counts.ok}  errors ${counts.failed + counts.timeout}  throttled ${counts.throttled}${notSent}  in flight ${inFlight}  ` +
        `${rate.toFixed(1)} req/s  ${durationText(state.elapsedSec)}${eta}`,
      width,
    ),
  ];
  // Cells share the plan evenly (each meets every row), so each one's planned share is the stage's over the cells.
  const perCell = state.total !== undefined && state.cells.length > 0 ? Math.ceil(state.total / state.cells.length) : undefined;
  // A narrow terminal keeps room for the figures after the label.
  const labelMax = Math.max(12, Math.min(32, Math.floor(width * 0.4)));
  const labels = state.cells.slice(0, LISTED_CELLS).map((cell) => truncateToWidth(terminalSafe(cell.label, { newlines: false }), labelMax));
  const labelWidth = Math.max(0, ...labels.map(displayWidth));
  for (const [index, cell] of state.cells.slice(0, LISTED_CELLS).entries()) {
    const done = answeredOf(cell.counts);
    const cellFinished = done + cell.counts.cancelled + cell.counts.dropped;
    const errors = cell.counts.failed + cell.counts.timeout + cell.counts.throttled;
    const cellEta = perCell !== undefined ? `  ETA ${durationText(etaSec(cellFinished, perCell, state.elapsedSec))}` : '';
    lines.push(
      withBar(
        `  ${padEndToWidth(labels[index]!, labelWidth)}  `,
        bar(done, perCell, 12),
        `${done}${perCell !== undefined ? `/${perCell}` : ''}` +
          `${errors > 0 ? `  errors ${errors}` : ''}  ${(state.elapsedSec > 0 ? done / state.elapsedSec : 0).toFixed(1)} req/s${cellEta}`,
        width,
      ),
    );
  }
  if (state.cells.length > LISTED_CELLS) lines.push(`  and ${state.cells.length - LISTED_CELLS} more cells`);
  for (const limiter of state.limiters) lines.push(`  limiter ${limiterText(limiter.name, limiter.snapshot)}`);
  if (state.cost !== undefined) lines.push(`  ${state.cost}`);
  return lines.map((line) => truncateToWidth(line, width));
}
