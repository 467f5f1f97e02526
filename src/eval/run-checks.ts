/**
 * summary.checks: every check of a run with its result and the exit code they add up to, so the
 * report and the console show what decided the exit code, passing checks too. The run's own
 * outcome check comes first: whether its requests got answers at all.
 */
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import { okCount } from '../metrics/cell-figures.js';
import type { CheckResult, RunChecks, RunSummary } from '../metrics/types.js';
import type { RunVerdict } from './verdict.js';

export function runChecksOf(summary: RunSummary, verdict: RunVerdict, interrupted: boolean): RunChecks {
  const exitCode = exitCodeForRun(verdict, interrupted);
  const results = [...outcomeChecks(summary, verdict), ...(verdict.results ?? [])];
  return {
    exitCode,
    status: exitCode === EXIT.ok ? 'passed' : exitCode === EXIT.aborted ? 'aborted' : exitCode === EXIT.interrupted ? 'interrupted' : 'failed',
    results,
    ...(verdict.abortReason !== undefined ? { abortReason: verdict.abortReason } : {}),
  };
}

function outcomeChecks(summary: RunSummary, verdict: RunVerdict): CheckResult[] {
  const planned = summary.cells.reduce((sum, cell) => sum + cell.planned, 0);
  const ok = okCount(summary.cells);
  // A budget stop is the budget check's to report; any other abort is about the requests themselves.
  const budgetStop = summary.cost?.budget?.stopReason;
  const abort = verdict.abortReason !== budgetStop ? verdict.abortReason : undefined;
  return [
    {
      kind: 'outcome',
      name: 'requests answered',
      pass: abort === undefined,
      detail: abort ?? `${ok} of ${planned} planned requests answered ok`,
    },
  ];
}
