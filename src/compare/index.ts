/** Pure statistics over two runs: matching, deltas, bootstrap intervals, rank tests, verdicts. */
export { compareRuns, resolveCompareOptions, type ComparedRun } from './compare-runs.js';
export { cellMatchKey, matchCells, noMatchMessage, type CellPair } from './match.js';
export type { SampleRecord, SampleRows } from './samples.js';
export { fisherExact, mcnemarExact, pairedDifferenceInterval, type PairedCounts } from './exact-tests.js';
export { regressedCells, regressionName, type RegressedCell } from './regressions.js';
export * from './types.js';
