/**
 * The errors of a run, most frequent first: code, count and one sample message, for the console
 * table and the message a run that got no answer ends with. Samples quote the server, so they are
 * redacted before they are cut (a secret straddling the cut would otherwise leak its start) and
 * control characters are shown as visible escapes, never sent to the terminal raw.
 */
import type { CellSummary, Outcome } from '../metrics/types.js';
import { cutRedacted, redact } from '../util/redact.js';
import { terminalSafe } from '../util/terminal-text.js';

export interface ErrorCount {
  code: string;
  count: number;
  /** One message the server (or the transport) gave for this code, redacted, cut and printable. */
  message: string;
}

const SAMPLE_CHARS = 120;

/** Outcomes of requests that were sent and got no answer. */
export const ERRORED_OUTCOMES = ['failed', 'throttled', 'timeout'] as const satisfies readonly Outcome[];

/** Requests of these cells that were sent and got no answer (failed, throttled, timeout). */
export function erroredCount(cells: readonly CellSummary[]): number {
  return cells.reduce((sum, cell) => sum + ERRORED_OUTCOMES.reduce((n, outcome) => n + cell.outcomes[outcome], 0), 0);
}

/** A message as it may be printed: redacted first, then cut, then made printable. */
export function sampleMessage(message: string, maxChars = SAMPLE_CHARS): string {
  return terminalSafe(cutRedacted(message, maxChars), { newlines: false });
}

/** The most frequent error codes over the cells (merged by code), at most `limit`. */
export function topErrors(cells: readonly CellSummary[], limit: number): ErrorCount[] {
  const merged = new Map<string, { count: number; message: string }>();
  for (const cell of cells) {
    for (const [code, entry] of Object.entries(cell.errors)) {
      const seen = merged.get(code);
      if (seen !== undefined) seen.count += entry.count;
      else merged.set(code, { count: entry.count, message: entry.message });
    }
  }
  return [...merged.entries()]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([code, { count, message }]) => ({ code: terminalSafe(redact(code), { newlines: false }), count, message: sampleMessage(message) }));
}

/** `invalid_api_key ×4 "Incorrect API key provided"`. */
export function errorCountText(error: ErrorCount): string {
  return `${error.code} ×${error.count}${error.message !== '' ? ` "${error.message}"` : ''}`;
}
