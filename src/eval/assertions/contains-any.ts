/** `contains-any`: the answer contains at least one of the values (case-sensitive). */
import { assertionType } from './types.js';
import { quoteAll, textListValue } from './values.js';

export const containsAny = assertionType({
  name: 'contains-any',
  expects: 'a list of texts, one of which the answer must contain (a JSON array, or comma-separated with \\, for a comma inside an item)',
  compile: (raw) => textListValue(raw, 'contains-any'),
  describe: (needles) => `any of ${quoteAll(needles)}`,
  check: (needles, { output }) => {
    const found = needles.filter((needle) => output.includes(needle));
    return found.length > 0
      ? { pass: true, reason: `output contains ${quoteAll(found)}` }
      : { pass: false, reason: `output contains none of ${quoteAll(needles)}` };
  },
});
