/** `icontains`: the answer contains the value, ignoring case (Unicode lower case on both sides). */
import { assertionType } from './types.js';
import { quote, textValue } from './values.js';

export const icontains = assertionType({
  name: 'icontains',
  expects: 'the text the answer must contain, in any case',
  compile: (raw) => textValue(raw, 'icontains'),
  describe: (needle) => quote(needle),
  check: (needle, { output }) =>
    output.toLowerCase().includes(needle.toLowerCase())
      ? { pass: true, reason: `output contains ${quote(needle)} (ignoring case)` }
      : { pass: false, reason: `output does not contain ${quote(needle)} (ignoring case)` },
});
