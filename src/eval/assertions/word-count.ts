/**
 * `word-count`: the answer has exactly N words, or a count within a range (min and/or max,
 * inclusive). How words are counted is `wordCount` in words.ts: Latin-script words by the spaces
 * and punctuation around them, and each Chinese or Japanese character as one word.
 *
 * The value: a whole number (`50`); a range `MIN..MAX`, `MIN..` or `..MAX` (`20..80`); or, in
 * JSONL, an object `{"min": 20, "max": 80}` (either key may be left out; a CSV cell may hold the
 * same JSON text).
 */
import { AssertionValueError, assertionType } from './types.js';
import { describe } from './values.js';
import { wordCount } from './words.js';

interface Range {
  min?: number;
  max?: number;
}

const RANGE = /^(\d*)\s*\.\.\s*(\d*)$/;
const EXPECTS = 'a whole number of words, a range MIN..MAX (either end may be left out), or {"min": …, "max": …}';

function bound(raw: unknown, key: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0)
    throw new AssertionValueError(`word-count: "${key}" must be a whole number of 0 or more; got ${describe(raw)}`);
  return raw;
}

function rangeOf(raw: unknown): Range {
  if (typeof raw === 'number') {
    const count = bound(raw, 'value');
    return { min: count, max: count };
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
    const range = RANGE.exec(text);
    if (range !== null && (range[1] !== '' || range[2] !== '')) {
      return { ...(range[1] !== '' ? { min: Number(range[1]) } : {}), ...(range[2] !== '' ? { max: Number(range[2]) } : {}) };
    }
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new AssertionValueError(`word-count: ${JSON.stringify(text)} is not valid JSON: ${(error as Error).message}`);
      }
      return rangeOf(parsed);
    }
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const record = raw as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => key !== 'min' && key !== 'max');
    if (unknown !== undefined) throw new AssertionValueError(`word-count: unknown key ${JSON.stringify(unknown)}; a range has "min" and "max"`);
    const min = bound(record['min'], 'min');
    const max = bound(record['max'], 'max');
    if (min === undefined && max === undefined) throw new AssertionValueError('word-count: a range needs "min", "max" or both');
    return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  throw new AssertionValueError(`word-count needs ${EXPECTS}; got ${describe(raw)}`);
}

export const wordCountType = assertionType({
  name: 'word-count',
  expects: EXPECTS,
  compile: (raw): Range => {
    const range = rangeOf(raw);
    if (range.min !== undefined && range.max !== undefined && range.min > range.max)
      throw new AssertionValueError(`word-count: min ${range.min} is above max ${range.max}`);
    return range;
  },
  describe: ({ min, max }) =>
    min === max ? `${min} words` : min === undefined ? `≤ ${max} words` : max === undefined ? `≥ ${min} words` : `${min}..${max} words`,
  check: ({ min, max }, { output }) => {
    const count = wordCount(output);
    const pass = (min === undefined || count >= min) && (max === undefined || count <= max);
    const wanted =
      min === max ? `exactly ${min}` : [min !== undefined ? `minimum ${min}` : '', max !== undefined ? `maximum ${max}` : ''].filter(Boolean).join(', ');
    return { pass, reason: `output has ${count} word${count === 1 ? '' : 's'} (${wanted})` };
  },
});
