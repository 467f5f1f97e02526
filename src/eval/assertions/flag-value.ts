/** The value of a flag check (`flagged`, `truncated`): none, or `true` where a CSV column needs some text. */
import { AssertionValueError } from './types.js';
import { describe } from './values.js';

export function noValue(raw: unknown, name: string): true {
  if (raw === undefined || raw === null || raw === true) return true;
  if (typeof raw === 'string' && (raw.trim() === '' || raw.trim().toLowerCase() === 'true')) return true;
  throw new AssertionValueError(`${name} takes no value (write not-${name} to require the flag unset); got ${describe(raw)}`);
}
