/**
 * The documents of a reranker row. A CSV row gives them in a `documents` column, a JSONL record in
 * `vars.documents`; either way one string: a JSON array of strings (`["a","b"]`), or the texts
 * separated by `|` (`a|b`). The query is the row's last user turn.
 */
import type { DatasetRow } from './types.js';

export const DOCUMENTS_FIELD = 'documents';

export type DocumentsParse = { ok: true; documents: string[] } | { ok: false; reason: string };

/** The texts of one `documents` value; a reason when it is missing, empty or not an array of strings. */
export function parseDocuments(value: string | undefined): DocumentsParse {
  if (value === undefined || value.trim() === '') {
    return { ok: false, reason: `no "${DOCUMENTS_FIELD}" (a CSV column or JSONL vars.${DOCUMENTS_FIELD}: a JSON array of strings or texts separated by |)` };
  }
  const text = value.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, reason: `"${DOCUMENTS_FIELD}" starts with [ but is not a JSON array` };
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((item) => typeof item === 'string')) {
      return { ok: false, reason: `"${DOCUMENTS_FIELD}" must be a non-empty JSON array of strings` };
    }
    return { ok: true, documents: parsed as string[] };
  }
  return { ok: true, documents: text.split('|').map((part) => part.trim()) };
}

/** The documents a row gives, or a reason it gives none. */
export function documentsOfRow(row: Pick<DatasetRow, 'vars'>): DocumentsParse {
  return parseDocuments(row.vars[DOCUMENTS_FIELD]);
}

/** How many documents a row sends (0 when it gives none it could send). */
export function documentCount(row: Pick<DatasetRow, 'vars'>): number {
  const parsed = documentsOfRow(row);
  return parsed.ok ? parsed.documents.length : 0;
}
