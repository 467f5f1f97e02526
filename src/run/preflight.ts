/**
 * The provider's preflight (the v1 OAuth token fetch; local checks for the others), turned into
 * what the run does next: go on, or record every planned request as unsent. A failed token fetch
 * or a Ctrl-C during it must not leave a header-only requests.csv: the stages then write a
 * `failed` (or `cancelled`) row per planned request, with the reason, and the usual summaries.
 */
import { isUserError } from '../errors.js';
import { redact } from '../util/redact.js';
import type { UnsentReason } from './types.js';

export async function preflightOutcome(
  provider: { preflight(): Promise<void> },
  signals: { stopSignal?: AbortSignal | undefined; abortSignal?: AbortSignal | undefined },
): Promise<UnsentReason | undefined> {
  const stopped = (): boolean => signals.stopSignal?.aborted === true || signals.abortSignal?.aborted === true;
  try {
    await provider.preflight();
  } catch (error) {
    if (stopped()) return { outcome: 'cancelled', reason: 'run stopped before this request was sent (while the access token was fetched)' };
    // Config errors (an empty key, a bad URL) stay errors: nothing was planned to be sent.
    if (!isUserError(error) || error.kind !== 'auth') throw error;
    const code = (error as { code?: unknown }).code;
    return { outcome: 'failed', reason: redact(error.message), code: typeof code === 'string' ? code : 'auth_token_failed' };
  }
  // A Ctrl-C that came as the fetch ended: the run stops before its first request, rows and all.
  if (stopped()) return { outcome: 'cancelled', reason: 'run stopped before this request was sent' };
  return undefined;
}

/** Why a run whose preflight failed ends aborted (exit 4): the reason, and where the rows are. */
export function unsentAbortReason(unsent: UnsentReason | undefined, planned: number, outDir: string): string | undefined {
  if (unsent?.outcome !== 'failed') return undefined;
  return (
    `${unsent.reason}; none of the ${planned} planned requests was sent (each is recorded as failed with code ${unsent.code ?? 'auth_token_failed'}; ` +
    `results written to ${outDir})`
  );
}
