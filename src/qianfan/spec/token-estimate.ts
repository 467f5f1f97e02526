/**
 * Offline token estimate, the formula the official Qianfan SDKs use for their TPM limiter
 * (qianfan-api.md 5.2): 0.625 per CJK character plus 1 per non-CJK word. Used where the server
 * gives no `usage`, and marked `estimate` wherever it shows.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/gu;

export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text
    .replace(CJK, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0).length;
  return Math.ceil(cjk * 0.625 + words);
}
