/** `max-length`: the answer has at most this many characters (Unicode code points). */
import { assertionType } from './types.js';
import { characterCount, countValue } from './values.js';

export const maxLength = assertionType({
  name: 'max-length',
  expects: 'a whole number of characters',
  compile: (raw) => countValue(raw, 'max-length'),
  describe: (max) => `≤ ${max} characters`,
  check: (max, { output }) => {
    const length = characterCount(output);
    return { pass: length <= max, reason: `output has ${length} characters (maximum ${max})` };
  },
});
