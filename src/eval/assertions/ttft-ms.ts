/**
 * `ttft-ms`: the first text arrived within this many milliseconds of dispatch. TTFT exists only
 * for streamed answers: without one the check fails and says why; a replayed answer skips it.
 */
import { assertionType } from './types.js';
import { millisecondsValue } from './values.js';

export const ttftMs = assertionType({
  name: 'ttft-ms',
  expects: 'a ceiling in milliseconds',
  compile: (raw) => millisecondsValue(raw, 'ttft-ms'),
  describe: (ceiling) => `≤ ${ceiling} ms`,
  check: (ceiling, { ttftMs, stream, replayed }) => {
    if (replayed) return { skip: 'time to first token is not measured on a replayed answer' };
    if (ttftMs === undefined) {
      return {
        unknown: stream
          ? 'no text event arrived, so there is no time to first token'
          : 'the request did not stream (--no-stream), so there is no time to first token',
      };
    }
    return { pass: ttftMs <= ceiling, reason: `ttft ${ttftMs.toFixed(1)} ms (ceiling ${ceiling} ms)` };
  },
});
