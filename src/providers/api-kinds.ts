/**
 * What each API family answers: chat and completions generate text (and may stream it); embeddings,
 * rerankers and text-to-image answer once, with no text to time and no output tokens.
 */
import type { ApiKind } from './types.js';

export function generatesText(api: ApiKind): boolean {
  return api === 'chat' || api === 'completions';
}
