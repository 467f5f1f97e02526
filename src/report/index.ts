export { neutraliseCell, restoreNeutralisedCell } from './csv-safety.js';
export {
  openRequestsCsv,
  readRequestsCsv,
  requestRecordToRow,
  rowToRequestRecord,
  REQUEST_CSV_COLUMNS,
  type RequestsCsvOptions,
  type RequestsCsvWriter,
} from './requests-csv.js';
export { readSummaryJson, writeSummaryJson, SUMMARY_SCHEMA_VERSION } from './summary-json.js';
export { renderSummaryCsv, writeSummaryCsv, SUMMARY_CSV_COLUMNS, type SummaryCsvOptions } from './summary-csv.js';
export {
  escapeHtml,
  jsonForScript,
  renderHtmlReport,
  renderHtmlReportWithCharts,
  HTML_OUTPUT_PREVIEW_CHARS,
  HTML_REQUEST_ROW_LIMIT,
  type HtmlReportOptions,
  type RenderedChart,
} from './html.js';
export { rebuildReport, readFirstRequests, type RebuildReportOptions, type RebuildReportResult } from './rebuild.js';
export { renderRunMarkdown, appendGithubStepSummary, markdownText, markdownTable } from './markdown.js';
export * from './compare/index.js';
export { formatSummaryTable, SIMULATED_NOTICE, type ConsoleTableOptions } from './console-table.js';
export { displayWidth, truncateToWidth } from './text-width.js';
export { cellRates, type CellRates } from './format.js';
