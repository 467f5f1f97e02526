/**
 * Embedding answers (v1 `embedding_list` and OpenAI `list`) share one shape: `data[].embedding`.
 */
/** An embedding answer's output column: how many vectors of how many dimensions (not the floats). */
export function describeEmbeddings(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.data)) return undefined;
  const vectors = body.data as Array<{ embedding?: unknown }>;
  const dimensions = Array.isArray(vectors[0]?.embedding) ? (vectors[0]?.embedding as unknown[]).length : 0;
  return `${vectors.length} embedding${vectors.length === 1 ? '' : 's'} of ${dimensions} dimensions`;
}
