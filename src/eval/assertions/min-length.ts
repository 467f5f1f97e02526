/** `min-length`: the answer has at least this many characters (Unicode code points). */
import { assertionType } from './types.js';
import { characterCount, countValue } from './values.js';

export const minLength = assertionType({
  name: 'min-length',
  expects: 'a whole number of characters',
  compile: (raw) => countValue(raw, 'min-length'),
  describe: (min) => `≥ ${min} characters`,
  check: (min, { output }) => {
    const length = characterCount(output);
    return { pass: length >= min, reason: `output has ${length} characters (minimum ${min})` };
  },
});
