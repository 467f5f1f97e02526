/** `icontains-any`: the answer contains at least one of the values, ignoring case (Unicode lower case on both sides). */
import { assertionType } from './types.js';
import { quoteAll, textListValue } from './values.js';

export const icontainsAny = assertionType({
  name: 'icontains-any',
  expects: 'a list of texts, one of which the answer must contain in any case (a JSON array, or comma-separated with \\, for a comma inside an item)',
  compile: (raw) => textListValue(raw, 'icontains-any'),
  describe: (needles) => `any of ${quoteAll(needles)}`,
  check: (needles, { output }) => {
    const lower = output.toLowerCase();
    const found = needles.filter((needle) => lower.includes(needle.toLowerCase()));
    return found.length > 0
      ? { pass: true, reason: `output contains ${quoteAll(found)} (ignoring case)` }
      : { pass: false, reason: `output contains none of ${quoteAll(needles)} (ignoring case)` };
  },
});
