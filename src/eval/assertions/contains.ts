/** `contains`: the answer contains the value (case-sensitive). */
import { assertionType } from './types.js';
import { quote, textValue } from './values.js';

export const contains = assertionType({
  name: 'contains',
  expects: 'the text the answer must contain',
  compile: (raw) => textValue(raw, 'contains'),
  describe: (needle) => quote(needle),
  check: (needle, { output }) =>
    output.includes(needle) ? { pass: true, reason: `output contains ${quote(needle)}` } : { pass: false, reason: `output does not contain ${quote(needle)}` },
});
