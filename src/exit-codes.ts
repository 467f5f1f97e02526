/**
 * Exit codes, in one place (documented in the README). Another error wins over a test failure:
 * a run that was aborted or misconfigured never reports "assertions failed".
 */
import type { UserErrorKind } from './errors.js';

export const EXIT = {
  ok: 0,
  /** A bug or an unexpected failure inside qfbench (the stack is printed). */
  internal: 1,
  /** A flag, config file or dataset is invalid; nothing was sent. */
  config: 2,
  /** Checks failed (assertions, thresholds, a baseline), or a row's request got no answer in a run of row tests (assertions or --junit). */
  testFailed: 3,
  /** The run was aborted: authentication failed, a budget stopped it, or no request sent got an answer. */
  aborted: 4,
  /** Interrupted with Ctrl-C; the results gathered so far were written. */
  interrupted: 130,
} as const;

export function exitCodeForUserError(kind: UserErrorKind): number {
  switch (kind) {
    case 'config':
    case 'dataset':
      return EXIT.config;
    case 'auth':
    case 'aborted':
      return EXIT.aborted;
  }
}

/** What of a run's verdict (src/eval/verdict.ts) decides its exit code; structural, so this file imports no folder. */
export interface VerdictCounts {
  failures: readonly string[];
  errors: readonly string[];
  abortReason?: string | undefined;
}

/**
 * How a finished run exits: aborted (4), then interrupted (130), then failed checks or errored row
 * tests (3), else 0. So the exit code agrees with the JUnit file: any `<failure>` or `<error>` in
 * it is a failed check or an errored request, and either one exits non-zero.
 */
export function exitCodeForRun(verdict: VerdictCounts, interrupted: boolean): number {
  if (verdict.abortReason !== undefined) return EXIT.aborted;
  if (interrupted) return EXIT.interrupted;
  if (verdict.failures.length > 0 || verdict.errors.length > 0) return EXIT.testFailed;
  return EXIT.ok;
}
