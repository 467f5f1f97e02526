/** The renderers and the file side of `qfbench compare`; the analysis itself is src/compare/. */
export { compareRunFolders, readComparedRun } from './read-run.js';
export { renderComparisonMarkdown } from './markdown.js';
export { renderCompareHtml, renderDeltaChart } from './html.js';
export { defaultCompareOutDir, writeComparisonReports, type WrittenComparison } from './write.js';
