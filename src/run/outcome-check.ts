/**
 * The run's own verdict on its requests, whatever the provider and the cause: a run in which
 * requests were sent and not one of them got an answer measured nothing, so it is aborted (exit
 * 4), naming the most frequent error. Requests never sent (cancelled, dropped) do not count: an
 * interruption or a budget says so itself.
 */
import type { RunSummary } from '../metrics/types.js';
import { okCount } from '../metrics/cell-figures.js';
import { erroredCount, errorCountText, topErrors } from '../report/error-summary.js';

const NAMED_ERRORS = 3;

export function noSuccessReason(summary: RunSummary, outDir: string): string | undefined {
  const errored = erroredCount(summary.cells);
  if (okCount(summary.cells) > 0 || errored === 0) return undefined;
  const outcomes = (['failed', 'throttled', 'timeout'] as const)
    .map((outcome) => [outcome, summary.cells.reduce((sum, cell) => sum + (cell.outcomes?.[outcome] ?? 0), 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const top = topErrors(summary.cells, NAMED_ERRORS);
  const all = errored === 1 ? 'the only request sent' : `all ${errored} requests sent`;
  const codes = top.length > 0 ? `; most frequent: ${top.map(errorCountText).join(', ')}` : '';
  return `no request succeeded: ${all} got no answer (${outcomes})${codes} (results written to ${outDir})`;
}
