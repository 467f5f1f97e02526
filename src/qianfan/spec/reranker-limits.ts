/**
 * What a reranker request may carry (the bce-reranker-base_v1 API page): a non-empty query of at
 * most 1,600 characters, 1..64 non-empty documents of at most 4,096 characters each, and `top_n` a
 * positive integer (default: every document). A platform fact both sides read: the client's
 * pre-check refuses what the simulator would, with the same reasons.
 */
export const MAX_RERANK_QUERY_CHARS = 1600;
export const MAX_RERANK_DOCUMENTS = 64;
export const MAX_RERANK_DOCUMENT_CHARS = 4096;

/** Why a query and its documents would be refused; undefined when they are fine. */
export function rerankInputProblem(query: unknown, documents: unknown, maxQueryChars = MAX_RERANK_QUERY_CHARS): string | undefined {
  if (typeof query !== 'string' || query.trim() === '') return 'query must be a non-empty string';
  if ([...query].length > maxQueryChars) return `query has ${[...query].length} characters, more than ${maxQueryChars}`;
  if (!Array.isArray(documents) || documents.length === 0) return 'documents must be a non-empty array of strings';
  if (documents.length > MAX_RERANK_DOCUMENTS) return `documents has ${documents.length} texts, more than ${MAX_RERANK_DOCUMENTS}`;
  for (let index = 0; index < documents.length; index++) {
    const text: unknown = documents[index];
    if (typeof text !== 'string' || text.trim() === '') return `documents[${index}] must be a non-empty string`;
    if ([...text].length > MAX_RERANK_DOCUMENT_CHARS) return `documents[${index}] has ${[...text].length} characters, more than ${MAX_RERANK_DOCUMENT_CHARS}`;
  }
  return undefined;
}

/** Why a `top_n` would be refused; undefined when it is absent or a positive integer. */
export function topNProblem(topN: unknown): string | undefined {
  if (topN === undefined) return undefined;
  return typeof topN === 'number' && Number.isInteger(topN) && topN >= 1 ? undefined : 'top_n must be a positive integer';
}
