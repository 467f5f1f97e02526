/** `equals`: the whole answer is exactly the value (no trimming, case-sensitive). */
import { assertionType } from './types.js';
import { quote, textValue } from './values.js';

export const equals = assertionType({
  name: 'equals',
  expects: 'the exact expected answer',
  compile: (raw) => textValue(raw, 'equals'),
  describe: (expected) => quote(expected),
  check: (expected, { output }) =>
    output === expected ? { pass: true, reason: `output equals ${quote(expected)}` } : { pass: false, reason: `output is not ${quote(expected)}` },
});
