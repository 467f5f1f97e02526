export {
  cellMatchKey,
  noMatchMessage,
  compareRuns,
  DEFAULT_COMPARE_OPTIONS,
  type CellComparison,
  type CellRef,
  type CompareOptions,
  type ComparisonResult,
  type Direction,
  type Interval,
  type MetricDelta,
  type MetricUnit,
  type RankTestResult,
  type ResolvedCompareOptions,
  type RunRef,
  type Verdict,
} from './compare.js';
export { renderComparisonMarkdown } from './markdown.js';
export { renderCompareHtml, renderDeltaChart } from './html.js';
export { defaultCompareOutDir, writeComparisonReports, type WrittenComparison } from './write.js';
