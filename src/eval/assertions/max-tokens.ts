/** `max-tokens`: the answer used at most this many completion tokens (server usage, or qfbench's estimate). */
import { assertionType } from './types.js';
import { countValue } from './values.js';

export const maxTokens = assertionType({
  name: 'max-tokens',
  expects: 'a whole number of completion tokens',
  compile: (raw) => countValue(raw, 'max-tokens'),
  describe: (max) => `≤ ${max} tokens`,
  check: (max, { completionTokens }) => {
    if (completionTokens === undefined) return { unknown: 'the answer has no token count' };
    return { pass: completionTokens <= max, reason: `answer used ${completionTokens} completion tokens (maximum ${max})` };
  },
});
