/**
 * Offline token estimate, the formula the official Qianfan SDKs use for their TPM limiter
 * (qianfan-api.md 5.2): 0.625 per CJK character plus 1 per non-CJK word. Used where the server
 * gives no `usage`, and marked `estimate` wherever it shows.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/gu;

interface TextParts {
  cjk: number;
  words: number;
}

function partsOf(text: string): TextParts {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text
    .replace(CJK, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0).length;
  return { cjk, words };
}

export function estimateTokens(text: string): number {
  const { cjk, words } = partsOf(text);
  return Math.ceil(cjk * 0.625 + words);
}

/**
 * The band the real count may fall in. The formula undercounts on every text measured (README
 * "Cost": 33-43% low against the simulator's tokenizer, which counts an ideograph as one token and
 * an English word as one per four letters plus its punctuation), so the estimate is the floor; the
 * ceiling lets an ideograph be a whole token and a word two. Only the tokenizer endpoint
 * (`qfbench tokens`, `qfbench estimate --tokenizer server`) gives exact counts.
 */
export const CJK_TOKENS_HIGH = 1;
export const WORD_TOKENS_HIGH = 2;

export interface TokenBand {
  /** estimateTokens: what the count is at least. */
  estimate: number;
  /** What the count may be at most. */
  high: number;
}

export function estimateTokenBand(text: string): TokenBand {
  const { cjk, words } = partsOf(text);
  return { estimate: Math.ceil(cjk * 0.625 + words), high: Math.ceil(cjk * CJK_TOKENS_HIGH + words * WORD_TOKENS_HIGH) };
}
