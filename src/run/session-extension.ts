/**
 * --sessions: counts each finished turn into its cell's conversation figures and adds them to the
 * summary (`cell.sessions`), where the report's sessions section reads them.
 */
import type { RunConfig } from '../config/run-config.js';
import type { RunExtension } from './extensions.js';
import { SessionTally } from './session-tally.js';

export function createSessionExtension(config: Pick<RunConfig, 'sessions'>): RunExtension | undefined {
  if (config.sessions === undefined) return undefined;
  const tally = new SessionTally();
  return {
    onRequest: (finished) => tally.record(finished),
    decorateSummary: (summary) => {
      for (const cell of summary.cells) {
        const sessions = tally.summaryOf(cell.id);
        if (sessions !== undefined) cell.sessions = sessions;
      }
    },
  };
}
