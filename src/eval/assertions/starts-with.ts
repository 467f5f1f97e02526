/** `starts-with`: the answer begins with the value (leading whitespace of the answer is ignored). */
import { assertionType } from './types.js';
import { quote, textValue } from './values.js';

export const startsWith = assertionType({
  name: 'starts-with',
  expects: 'the text the answer must begin with',
  compile: (raw) => textValue(raw, 'starts-with'),
  describe: (prefix) => quote(prefix),
  check: (prefix, { output }) =>
    output.trimStart().startsWith(prefix)
      ? { pass: true, reason: `output starts with ${quote(prefix)}` }
      : { pass: false, reason: `output does not start with ${quote(prefix)}` },
});
