import type { CheckResult } from '../metrics/types.js';

/** What the checks riding along a run (and the run's own outcome check) concluded about it; the CLI turns it into an exit code. */
export interface RunVerdict {
  /** Failed checks: assertions on answers, thresholds, baseline regressions. */
  failures: string[];
  /** Requests that got no answer, in a run whose row cases they are (JUnit `<error>`s); kept apart from failed checks. */
  errors: string[];
  /** Why the run counts as aborted: a budget, refused credentials, or no request succeeded. */
  abortReason?: string;
  /** Every check with its result, passing ones too, for summary.checks and the console's ✓/✗ lines. */
  results?: CheckResult[];
}
