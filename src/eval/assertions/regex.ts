/**
 * `regex`: the answer matches a JavaScript regular expression. The value is the pattern itself
 * (`\d{4}`) or, to give flags, `/pattern/flags` (`/^yes\b/i`). A pattern that does not compile is
 * refused before the run.
 */
import { AssertionValueError, assertionType } from './types.js';
import { quote, textValue } from './values.js';

const WITH_FLAGS = /^\/(.+)\/([dgimsuvy]*)$/s;

export const regex = assertionType({
  name: 'regex',
  expects: 'a regular expression, or /pattern/flags',
  compile: (raw) => {
    const text = textValue(raw, 'regex');
    const withFlags = WITH_FLAGS.exec(text);
    try {
      // `g` and `y` make test() stateful between answers; they mean nothing for one match anyway.
      return withFlags === null ? new RegExp(text) : new RegExp(withFlags[1] as string, (withFlags[2] as string).replace(/[gy]/g, ''));
    } catch (error) {
      throw new AssertionValueError(`regex ${quote(text)} does not compile: ${(error as Error).message}`);
    }
  },
  describe: (pattern) => quote(pattern.toString()),
  check: (pattern, { output }) =>
    pattern.test(output)
      ? { pass: true, reason: `output matches ${pattern.toString()}` }
      : { pass: false, reason: `output does not match ${pattern.toString()}` },
});
