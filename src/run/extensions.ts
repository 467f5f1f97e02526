/**
 * The seam for features that ride along a run without the run knowing them: assertions, cost
 * and budgets, recording for replay. Each hook is optional; the run calls them in a fixed order:
 * `stopReason` before each request is sent, `onRequest` for each finished request before it is
 * written, `decorateSummary` once before the summary files are written.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import type { RunSummary } from '../metrics/types.js';

export interface RunExtension {
  /** Asked before each request is sent; a reason stops dispatching and the rest is dropped with it. */
  stopReason?(): string | undefined;
  /** Each finished request, before it is written: may add fields to its record. */
  onRequest?(finished: FinishedRequest): void;
  /** The run's summary before it is written: may add fields to the cells and the run. */
  decorateSummary?(summary: RunSummary): void | Promise<void>;
  /** After the files are written: what failed (assertions, thresholds, a regression); empty when all passed. */
  failures?(summary: RunSummary): string[] | Promise<string[]>;
  /** After the files are written: why the run counts as aborted (a budget stopped it), if it does. */
  abortReason?(): string | undefined;
}

/** What the extensions concluded about a finished run. */
export interface RunVerdict {
  failures: string[];
  abortReason?: string;
}

export async function verdictOf(extensions: readonly RunExtension[], summary: RunSummary): Promise<RunVerdict> {
  const failures: string[] = [];
  let abortReason: string | undefined;
  for (const extension of extensions) {
    failures.push(...((await extension.failures?.(summary)) ?? []));
    abortReason ??= extension.abortReason?.();
  }
  return abortReason !== undefined ? { failures, abortReason } : { failures };
}

/** The first stop reason any extension gives. */
export function stopReasonOf(extensions: readonly RunExtension[]): string | undefined {
  for (const extension of extensions) {
    const reason = extension.stopReason?.();
    if (reason !== undefined) return reason;
  }
  return undefined;
}
