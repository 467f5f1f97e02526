/**
 * Exit codes, in one place (documented in the README). Another error wins over a test failure:
 * a run that was aborted or misconfigured never reports "assertions failed".
 */
import type { UserErrorKind } from '../errors.js';

export const EXIT = {
  ok: 0,
  /** A bug or an unexpected failure inside qfbench (the stack is printed). */
  internal: 1,
  /** A flag, config file or dataset is invalid; nothing was sent. */
  config: 2,
  /** Assertions or thresholds failed (a CI job's "tests failed"). */
  testFailed: 3,
  /** The run was aborted: authentication failed, or a budget stopped it. */
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
