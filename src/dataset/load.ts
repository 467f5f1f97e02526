/** `loadDataset`: picks the parser from the file extension. */
import { extname } from 'node:path';
import { datasetError } from '../errors.js';
import { loadCsv } from './csv.js';
import { loadJsonl } from './jsonl.js';
import type { DatasetRow } from './types.js';

export const SUPPORTED_EXTENSIONS = ['.csv', '.jsonl', '.ndjson'] as const;

/**
 * Loads a dataset file: `.csv`, or `.jsonl` / `.ndjson` (extension case is ignored).
 * Every problem — unsupported extension, missing or unreadable file, malformed content,
 * no rows at all — is a `UserError` of kind `dataset` whose message starts with `FILE`,
 * `FILE:LINE` or `FILE:LINE:COLUMN`, FILE being `file` exactly as given.
 */
export async function loadDataset(file: string): Promise<DatasetRow[]> {
  const extension = extname(file).toLowerCase();
  switch (extension) {
    case '.csv':
      return loadCsv(file);
    case '.jsonl':
    case '.ndjson':
      return loadJsonl(file);
    default: {
      const what = extension === '' ? 'has no extension' : `has the unsupported extension "${extension}"`;
      throw datasetError(file, `the dataset file ${what}; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`);
    }
  }
}
