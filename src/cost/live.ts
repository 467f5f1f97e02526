/**
 * Cost so far, for the live view. The run's cost extension publishes a text source here while the
 * run goes on; the progress line (src/cli/progress.ts) shows it. One run at a time per process is
 * the CLI's case; a library user running several at once sees the latest one.
 */
type LiveCostSource = () => string | undefined;

let current: LiveCostSource | undefined;

/** Publishes (or, with undefined, withdraws) the source of the live cost text. */
export function setLiveCostSource(source: LiveCostSource | undefined): void {
  current = source;
}

/** The cost so far as short text (`cost ¥0.0123`), or undefined when no run publishes one. */
export function liveCostText(): string | undefined {
  return current?.();
}
