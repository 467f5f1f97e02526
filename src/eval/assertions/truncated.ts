/**
 * `truncated`: the answer was cut, as v1's `is_truncated` says, or, for answers without it, as a
 * `length` finish reason says. Written `not-truncated`; an answer with neither cannot be judged.
 */
import { noValue } from './flag-value.js';
import { assertionType } from './types.js';

export const truncated = assertionType({
  name: 'truncated',
  expects: 'no value',
  compile: (raw) => noValue(raw, 'truncated'),
  describe: () => '(is_truncated)',
  check: (_value, { isTruncated, finishReason }) => {
    if (isTruncated !== undefined) return { pass: isTruncated, reason: `is_truncated is ${isTruncated}` };
    if (finishReason !== undefined) return { pass: finishReason === 'length', reason: `finish_reason is ${finishReason}` };
    return { unknown: 'the answer says neither is_truncated nor a finish reason' };
  },
});
