/**
 * The texts of a dataset row the server counts as prompt tokens, per API: chat counts `system` and
 * every message; completions and embeddings send the last user turn only; a reranker the query and its documents.
 */
import { documentsOfRow } from '../dataset/documents.js';
import type { DatasetRow } from '../dataset/types.js';
import type { ApiKind } from '../providers/types.js';

export function promptPieces(row: DatasetRow, api: ApiKind): string[] {
  if (api === 'reranker') {
    const documents = documentsOfRow(row);
    return [row.messages.at(-1)?.content ?? '', ...(documents.ok ? documents.documents : [])];
  }
  if (api !== 'chat') return [row.messages.at(-1)?.content ?? ''];
  return [...(row.system !== undefined ? [row.system] : []), ...row.messages.map((message) => message.content)];
}
