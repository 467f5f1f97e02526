/**
 * `latency-ms`: the request took at most this many milliseconds, dispatch to last byte (retries
 * included). A replayed answer measured nothing, so the check is skipped there.
 */
import { assertionType } from './types.js';
import { millisecondsValue } from './values.js';

export const latencyMs = assertionType({
  name: 'latency-ms',
  expects: 'a ceiling in milliseconds',
  compile: (raw) => millisecondsValue(raw, 'latency-ms'),
  describe: (ceiling) => `≤ ${ceiling} ms`,
  check: (ceiling, { latencyMs, replayed }) => {
    if (replayed) return { skip: 'latency is not measured on a replayed answer' };
    if (latencyMs === undefined) return { unknown: 'no latency was measured' };
    return { pass: latencyMs <= ceiling, reason: `latency ${latencyMs.toFixed(1)} ms (ceiling ${ceiling} ms)` };
  },
});
