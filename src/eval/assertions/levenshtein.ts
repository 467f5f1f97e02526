/**
 * `levenshtein`: the answer (surrounding whitespace aside) is within `threshold` edits (insert,
 * delete or replace one character) of the value; `threshold` is the assertion's own key, default
 * 5. Characters are Unicode code points, so a Chinese character or an emoji is one edit.
 */
import { editDistance } from './edit-distance.js';
import { AssertionValueError, assertionType } from './types.js';
import { describe, quote, textValue } from './values.js';

const DEFAULT_MAX_EDITS = 5;

/** Above this many cells the exact distance is not worth computing: only whether it is within the threshold. */
const EXACT_DISTANCE_CELLS = 10_000_000;

interface Compiled {
  expected: string[];
  text: string;
  maxEdits: number;
}

function maxEditsOf(raw: unknown): number {
  if (raw === undefined) return DEFAULT_MAX_EDITS;
  const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new AssertionValueError(`levenshtein: threshold is the most edits allowed, a whole number of 0 or more; got ${describe(raw)}`);
  return value;
}

export const levenshtein = assertionType({
  name: 'levenshtein',
  expects: 'the expected answer, with threshold = the most edits allowed (default 5)',
  takesThreshold: 'the most edits allowed (default 5)',
  compile: (raw, { threshold }): Compiled => {
    const text = textValue(raw, 'levenshtein');
    return { expected: Array.from(text), text, maxEdits: maxEditsOf(threshold) };
  },
  describe: ({ text, maxEdits }) => `${quote(text)} (≤ ${maxEdits} edits)`,
  check: ({ expected, maxEdits }, { output }) => {
    const actual = Array.from(output.trim());
    const exact = (actual.length + 1) * (expected.length + 1) <= EXACT_DISTANCE_CELLS;
    const limit = exact ? Math.max(actual.length, expected.length) : maxEdits;
    const distance = editDistance(actual, expected, limit);
    const shown = distance > limit ? `more than ${limit}` : String(distance);
    return { pass: distance <= maxEdits, reason: `edit distance ${shown} (maximum ${maxEdits})` };
  },
});
