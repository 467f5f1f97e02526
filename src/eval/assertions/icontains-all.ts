/** `icontains-all`: the answer contains every one of the values, ignoring case (Unicode lower case on both sides). */
import { assertionType } from './types.js';
import { quoteAll, textListValue } from './values.js';

export const icontainsAll = assertionType({
  name: 'icontains-all',
  expects: 'a list of texts the answer must all contain, in any case (a JSON array, or comma-separated with \\, for a comma inside an item)',
  compile: (raw) => textListValue(raw, 'icontains-all'),
  describe: (needles) => `all of ${quoteAll(needles)}`,
  check: (needles, { output }) => {
    const lower = output.toLowerCase();
    const missing = needles.filter((needle) => !lower.includes(needle.toLowerCase()));
    return missing.length === 0
      ? { pass: true, reason: `output contains all of ${quoteAll(needles)} (ignoring case)` }
      : { pass: false, reason: `output lacks ${quoteAll(missing)} (ignoring case; ${needles.length - missing.length} of ${needles.length} found)` };
  },
});
