export type { ChatMessage, DatasetRow, RowSource } from './types.js';
export { SUPPORTED_EXTENSIONS, loadDataset } from './load.js';
export { loadCsv, parseCsv } from './csv.js';
export { loadJsonl, parseJsonlRecord } from './jsonl.js';
export { renderTemplate, type TemplateResult } from './template.js';
