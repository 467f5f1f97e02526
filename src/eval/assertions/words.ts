/**
 * Counting words as common word counters do, for text that mixes scripts: each Chinese character
 * (Han) and each Japanese kana counts as one word, since those scripts write no spaces between
 * words; everything else is split at whitespace, and a piece counts as a word when it holds a
 * letter or a digit (so `state-of-the-art` and `3.14` are one word each, a lone `—` none).
 * Korean writes spaces between words and is counted like Latin text.
 */
const CJK_CHARACTER = /(?=\p{L})[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function wordCount(text: string): number {
  let count = 0;
  // A CJK character is a word of its own and also separates the text around it: `用API调用` is 3 + 1.
  const rest = text.replace(CJK_CHARACTER, () => {
    count++;
    return ' ';
  });
  for (const piece of rest.split(/\s+/)) if (LETTER_OR_DIGIT.test(piece)) count++;
  return count;
}
