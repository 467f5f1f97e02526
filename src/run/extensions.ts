/**
 * The seam for features that ride along a run without the run knowing them: assertions, cost
 * and budgets, recording for replay. Each hook is optional; the run calls them in a fixed order:
 * `stopReason` before each request is sent, `onRequest` for each finished request before it is
 * written, `decorateSummary` once before the summary files are written.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import type { CheckResult, RunSummary } from '../metrics/types.js';
import type { RequestPlan } from '../plan/plan.js';
import type { RunVerdict } from '../eval/verdict.js';

export type { RunVerdict } from '../eval/verdict.js';

export interface RunExtension {
  /** Asked before each request is sent; a reason stops dispatching and the rest is dropped with it. */
  stopReason?(): string | undefined;
  /**
   * Asked for each request just before it is sent, after `stopReason`: may wait (until the requests
   * in flight leave room) or give a reason that drops it and stops dispatching. What it holds for the
   * request is given back in `onRequest`, which every request reaches.
   */
  admit?(spec: RequestPlan): Promise<string | undefined> | string | undefined;
  /** Each finished request, before it is written: may add fields to its record. */
  onRequest?(finished: FinishedRequest): void;
  /** The run's summary before it is written: may add fields to the cells and the run. */
  decorateSummary?(summary: RunSummary): void | Promise<void>;
  /** After the files are written: what failed (assertions, thresholds, a regression); empty when all passed. */
  failures?(summary: RunSummary): string[] | Promise<string[]>;
  /**
   * After `failures`: the requests that got no answer, as lines, when this run counts them as test
   * errors (it checks rows: assertions or --junit, whose row cases they are); empty otherwise.
   */
  requestErrors?(): string[];
  /** After the files are written: why the run counts as aborted (a budget stopped it), if it does. */
  abortReason?(): string | undefined;
  /** After `failures`: every check this extension judged, passing ones too (summary.checks). */
  checkResults?(): CheckResult[];
  /** While the run goes on: a short text for the live progress view (the cost so far), if it has one. */
  liveText?(): string | undefined;
}

export async function verdictOf(extensions: readonly RunExtension[], summary: RunSummary): Promise<RunVerdict> {
  const failures: string[] = [];
  const errors: string[] = [];
  const results: CheckResult[] = [];
  let abortReason: string | undefined;
  for (const extension of extensions) {
    failures.push(...((await extension.failures?.(summary)) ?? []));
    errors.push(...(extension.requestErrors?.() ?? []));
    results.push(...(extension.checkResults?.() ?? []));
    abortReason ??= extension.abortReason?.();
  }
  return abortReason !== undefined ? { failures, errors, results, abortReason } : { failures, errors, results };
}

/** Each extension admits the request in turn; the first reason wins. */
export async function admitOf(extensions: readonly RunExtension[], spec: RequestPlan): Promise<string | undefined> {
  for (const extension of extensions) {
    const reason = await extension.admit?.(spec);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** What the extensions show live, joined; undefined when none has anything to show. */
export function liveTextOf(extensions: readonly RunExtension[]): string | undefined {
  const texts = extensions.map((extension) => extension.liveText?.()).filter((text): text is string => text !== undefined);
  return texts.length > 0 ? texts.join(' | ') : undefined;
}

/** The first stop reason any extension gives. */
export function stopReasonOf(extensions: readonly RunExtension[]): string | undefined {
  for (const extension of extensions) {
    const reason = extension.stopReason?.();
    if (reason !== undefined) return reason;
  }
  return undefined;
}
