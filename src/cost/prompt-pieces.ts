/**
 * The texts of a dataset row the server counts as prompt tokens, per API: chat counts `system` and
 * every message; completions and embeddings send the last user turn only.
 */
import type { DatasetRow } from '../dataset/types.js';
import type { ApiKind } from '../providers/types.js';

export function promptPieces(row: DatasetRow, api: ApiKind): string[] {
  if (api !== 'chat') return [row.messages.at(-1)?.content ?? ''];
  return [...(row.system !== undefined ? [row.system] : []), ...row.messages.map((message) => message.content)];
}
