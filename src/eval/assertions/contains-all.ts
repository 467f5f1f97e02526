/** `contains-all`: the answer contains every one of the values (case-sensitive). */
import { assertionType } from './types.js';
import { quoteAll, textListValue } from './values.js';

export const containsAll = assertionType({
  name: 'contains-all',
  expects: 'a list of texts the answer must all contain (a JSON array, or comma-separated with \\, for a comma inside an item)',
  compile: (raw) => textListValue(raw, 'contains-all'),
  describe: (needles) => `all of ${quoteAll(needles)}`,
  check: (needles, { output }) => {
    const missing = needles.filter((needle) => !output.includes(needle));
    return missing.length === 0
      ? { pass: true, reason: `output contains all of ${quoteAll(needles)}` }
      : { pass: false, reason: `output lacks ${quoteAll(missing)} (${needles.length - missing.length} of ${needles.length} found)` };
  },
});
