/**
 * `--baseline DIR`: the finished run against an earlier one, with the statistics of `qfbench
 * compare` (a regression is a change whose interval excludes 0 and whose size is beyond the
 * tolerance), plus the rows whose answer changed: same row id, matched cell and repeat, both ok,
 * different output. A changed answer is listed, not failed: models are allowed to word things
 * differently; assertions say whether the new wording is still right.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { cellLabel } from '../report/cell-extras.js';
import { compareRuns, type ComparisonResult } from '../report/compare/index.js';
import { formatDelta, formatRelative } from '../report/compare/format.js';
import { matchCells } from '../report/compare/match.js';
import { readRequestsCsv } from '../report/requests-csv.js';
import { readSummaryJson } from '../report/summary-json.js';

export interface ChangedAnswer {
  rowId: string;
  cellLabel: string;
  repeat: number;
}

export interface BaselineCheck {
  comparison: ComparisonResult;
  /** One line per regressed metric of a matched cell. */
  regressions: Array<{ cellLabel: string; line: string }>;
  changedAnswers: ChangedAnswer[];
  /** Set when no cell of the run matches a cell of the baseline: nothing was compared, which is a failed check, not a pass. */
  noMatch?: string;
}

export async function checkBaseline(baselineDir: string, runDir: string, tolerance: number): Promise<BaselineCheck> {
  const comparison = await compareRuns(baselineDir, runDir, { tolerance });
  const regressions = comparison.matched.flatMap((cell) =>
    cell.deltas
      .filter((delta) => delta.verdict === 'regression')
      .map((delta) => ({
        cellLabel: cell.label,
        line: `${delta.label} ${formatRelative(delta.relative)} (${formatDelta(delta.unit, delta.delta)}): ${delta.confidenceStatement}`,
      })),
  );
  const check: BaselineCheck = { comparison, regressions, changedAnswers: await changedAnswers(baselineDir, runDir) };
  if (comparison.matched.length === 0) {
    const labels = (cells: Array<{ label: string }>): string => cells.map((cell) => cell.label).join(', ') || 'none';
    check.noMatch = `no cell of this run matches a cell of the baseline (same model and parameters): baseline has ${labels(comparison.unmatched.base)}; this run has ${labels(comparison.unmatched.candidate)}`;
  }
  return check;
}

async function changedAnswers(baselineDir: string, runDir: string): Promise<ChangedAnswer[]> {
  const [base, candidate] = await Promise.all([readSummaryJson(join(baselineDir, 'summary.json')), readSummaryJson(join(runDir, 'summary.json'))]);
  const { pairs } = matchCells(base, candidate);
  const keyOfBase = new Map(pairs.map((pair) => [pair.base.id, pair.key]));
  const pairOfCandidate = new Map(pairs.map((pair) => [pair.candidate.id, { key: pair.key, label: cellLabel(pair.candidate) }]));
  // Digests, not answers: memory stays small however long the outputs are.
  const baseAnswers = new Map<string, string>();
  for await (const record of readRequestsCsv(join(baselineDir, 'requests.csv'))) {
    const key = keyOfBase.get(record.cellId);
    if (key !== undefined && record.outcome === 'ok') baseAnswers.set(`${key}\u0000${record.rowId}\u0000${record.repeat}`, digest(record.output));
  }
  const changed: ChangedAnswer[] = [];
  for await (const record of readRequestsCsv(join(runDir, 'requests.csv'))) {
    const pair = pairOfCandidate.get(record.cellId);
    if (pair === undefined || record.outcome !== 'ok') continue;
    const before = baseAnswers.get(`${pair.key}\u0000${record.rowId}\u0000${record.repeat}`);
    if (before !== undefined && before !== digest(record.output)) changed.push({ rowId: record.rowId, cellLabel: pair.label, repeat: record.repeat });
  }
  return changed.sort((a, b) => a.cellLabel.localeCompare(b.cellLabel) || a.rowId.localeCompare(b.rowId) || a.repeat - b.repeat);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
