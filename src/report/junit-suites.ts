/**
 * A run's checks as JUnit test suites: one suite per cell with one test case per dataset row
 * (its repeats together: the case is an `<error>` when any repeat got no answer, with its outcome
 * and error code, else it fails when any repeat failed an assertion, with each repeat's reason),
 * then the thresholds and the baseline comparison, when the run has them.
 */
import type { CellSummary } from '../metrics/types.js';
import type { BaselineCheck } from '../eval/baseline.js';
import type { RowCellTally } from '../eval/tally.js';
import type { ThresholdResult } from '../eval/thresholds/evaluate.js';
import type { JunitCase, JunitSuite } from './junit.js';

export interface JunitInput {
  cells: readonly CellSummary[];
  rowCells: readonly RowCellTally[];
  thresholds: readonly ThresholdResult[];
  baseline?: { dir: string; check: BaselineCheck };
}

export function junitSuites(input: JunitInput): JunitSuite[] {
  const suites: JunitSuite[] = input.cells.map((cell) => ({
    name: cell.label,
    cases: input.rowCells.filter((tally) => tally.cellId === cell.id).map((tally) => rowCase(tally, cell.label)),
  }));
  if (input.thresholds.length > 0) {
    suites.push({
      name: 'thresholds',
      cases: input.thresholds.map((result): JunitCase => ({
        name: result.cell === undefined ? result.threshold.text : `${result.threshold.text} [${result.cell.label}]`,
        classname: 'thresholds',
        ...(result.pass ? {} : { failure: { message: result.reason } }),
      })),
    });
  }
  if (input.baseline !== undefined) {
    const { dir, check } = input.baseline;
    suites.push({
      name: `baseline ${dir}`,
      cases: [
        ...check.comparison.matched.map((cell): JunitCase => {
          const regressions = check.regressions.filter((regression) => regression.cellLabel === cell.label).map((regression) => regression.line);
          return {
            name: cell.label,
            classname: 'baseline',
            ...(regressions.length > 0 ? { failure: { message: regressions[0] as string, details: regressions.join('\n') } } : {}),
          };
        }),
        ...(check.noMatch !== undefined ? [{ name: 'matching cells', classname: 'baseline', failure: { message: check.noMatch } }] : []),
      ],
    });
  }
  return suites;
}

function rowCase(tally: RowCellTally, label: string): JunitCase {
  const base: JunitCase = { name: tally.rowId, classname: label, timeSeconds: tally.seconds };
  const failures = [...tally.failures].sort((a, b) => a.repeat - b.repeat);
  const errors = [...tally.errors].sort((a, b) => a.repeat - b.repeat);
  const details = (): string =>
    [...errors, ...failures]
      .sort((a, b) => a.repeat - b.repeat)
      .map((entry) => `repeat ${entry.repeat}: ${entry.reason}`)
      .join('\n');
  const firstError = errors[0];
  if (firstError !== undefined) {
    // Nothing could be checked: the request got no answer (JUnit's error, not an assertion failure).
    const message =
      tally.requests === 1
        ? firstError.reason
        : `${errors.length} of ${tally.requests} repeats got no answer; repeat ${firstError.repeat}: ${firstError.reason}`;
    return { ...base, error: { type: `${firstError.outcome}${firstError.code !== undefined ? ` ${firstError.code}` : ''}`, message, details: details() } };
  }
  const first = failures[0];
  if (first !== undefined) {
    const message = tally.requests === 1 ? first.reason : `${failures.length} of ${tally.requests} repeats failed; repeat ${first.repeat}: ${first.reason}`;
    return { ...base, failure: { message, details: details() } };
  }
  const skip = tally.skips[0];
  if (skip !== undefined && tally.skips.length === tally.requests) return { ...base, skipped: skip.reason };
  return base;
}
