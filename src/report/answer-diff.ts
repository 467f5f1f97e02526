/**
 * What changed between the baseline's answer and this run's, for the outputs section of
 * report.html. jsdiff (the `diff` package) does the Myers diff: word by word for text written
 * with spaces, character by character when either answer holds CJK script, which has no spaces
 * to split words at (a word diff would see a whole Chinese sentence as one word).
 *
 * Both answers are cut first and the diff gives up past an edit budget, so a pair of long,
 * unrelated answers costs little: it shows as one removal and one addition.
 */
import { diffChars, diffWordsWithSpace, type ChangeObject } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface AnswerDiff {
  granularity: 'word' | 'character';
  parts: DiffPart[];
  /** True when the texts are equal (after the cut). */
  same: boolean;
  /** Set when the texts agree in the characters the diff looks at (this many) and differ after them. */
  differsAfter?: number;
}

/** Characters of each answer the diff looks at. */
export const DIFF_MAX_CHARS = 2000;
/** Edits past which the diff stops looking and reports whole-text replacement. */
const MAX_EDIT_LENGTH = 400;

// Han, Hiragana, Katakana, Hangul, CJK punctuation and full-width forms.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

function cut(text: string): string {
  const chars = Array.from(text);
  return chars.length <= DIFF_MAX_CHARS ? text : chars.slice(0, DIFF_MAX_CHARS).join('');
}

function partOf(change: ChangeObject<string>): DiffPart {
  return { kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value };
}

/** The diff from `base` to `candidate`: word-level, or character-level when either holds CJK. */
export function answerDiff(base: string, candidate: string): AnswerDiff {
  const before = cut(base);
  const after = cut(candidate);
  const granularity = hasCjk(before) || hasCjk(after) ? 'character' : 'word';
  if (before === after) {
    const parts: DiffPart[] = before === '' ? [] : [{ kind: 'same', text: before }];
    // Equal as far as the diff looks, but not in full: say so rather than call them the same answer.
    return base === candidate ? { granularity, parts, same: true } : { granularity, parts, same: false, differsAfter: Array.from(before).length };
  }
  const options = { maxEditLength: MAX_EDIT_LENGTH };
  const changes = granularity === 'character' ? diffChars(before, after, options) : diffWordsWithSpace(before, after, options);
  const parts: DiffPart[] =
    changes === undefined
      ? [
          { kind: 'removed', text: before },
          { kind: 'added', text: after },
        ].filter((part): part is DiffPart => part.text !== '')
      : changes.map(partOf);
  return { granularity, parts, same: false };
}
