/**
 * The simulator's tokenizer. It is not ERNIE's; it only has to be deterministic, cheap and close
 * enough in scale (a CJK character is about one token, English about four characters a token) that
 * usage, quotas and length limits behave like the real service.
 */

/** CJK ideographs (unified, extension A, compatibility, extensions B and beyond). */
export function isCjkIdeograph(codePoint: number): boolean {
  return (codePoint >= 0x3400 && codePoint <= 0x9fff) || (codePoint >= 0xf900 && codePoint <= 0xfaff) || (codePoint >= 0x20000 && codePoint <= 0x2fa1f);
}

/** The code points JavaScript's `\s` matches; they separate tokens and cost nothing. */
function isWhitespace(codePoint: number): boolean {
  return (
    (codePoint >= 0x09 && codePoint <= 0x0d) ||
    codePoint === 0x20 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000 ||
    codePoint === 0xfeff
  );
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * Each maximal run of ASCII letters/digits costs ceil(length/4); whitespace costs 0; every other
 * code point (CJK ideographs, CJK and fullwidth punctuation, ASCII punctuation, emoji…) costs 1.
 */
export function countSimTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isAsciiAlphanumeric(code)) {
      run++;
      continue;
    }
    if (run > 0) {
      tokens += Math.ceil(run / 4);
      run = 0;
    }
    let codePoint = code;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (!isWhitespace(codePoint)) tokens++;
  }
  if (run > 0) tokens += Math.ceil(run / 4);
  return tokens;
}

/** Length in code points: the unit of the 336007 character limit (a surrogate pair is one character). */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Whether the text holds any CJK ideograph (decides the language of the simulated answer). */
export function containsCjk(text: string): boolean {
  for (const char of text) {
    if (isCjkIdeograph(char.codePointAt(0) ?? 0)) return true;
  }
  return false;
}
