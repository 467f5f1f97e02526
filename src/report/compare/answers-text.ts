/** Words about a cell's answers shared by compare.md and compare.html: the pass-rate line and the bound on listed verdict changes. */
import type { AnswerComparison, CellComparison, MetricDelta } from '../../compare/index.js';
import { formatDelta, formatPEquals, formatValue } from '../../compare/format.js';

/** Verdict changes listed in compare.md (over all cells) and per cell in compare.html. */
export const LISTED_CHANGES_MARKDOWN = 20;
export const LISTED_CHANGES_HTML = 100;

export function passRateDelta(cell: CellComparison): MetricDelta | undefined {
  return cell.deltas.find((delta) => delta.metric === 'passRate');
}

/** `100.00% (6/6) → 0.00% (0/6), −100.00 pp; exact McNemar p = 0.031 (6 pass→fail, 0 fail→pass)`, without the verdict. */
export function passRateLine(answers: AnswerComparison, delta: MetricDelta): string {
  const side = (s: AnswerComparison['base']): string => `${formatValue('rate', s.rate)} (${s.passed}/${s.checked})`;
  const test = answers.test === 'none' ? 'no test' : `${answers.test} ${formatPEquals(delta.pValue)}`;
  const pairs = answers.pairs > 0 ? ` (${answers.passToFail} pass→fail, ${answers.failToPass} fail→pass of ${answers.pairs} paired)` : '';
  return `${side(answers.base)} → ${side(answers.candidate)}, ${formatDelta('rate', delta.delta)}; ${test}${pairs}`;
}

/** Changed verdicts of a cell beyond what is listed: the ones left out of the list and those the core only counted. */
export function unlistedChanges(answers: AnswerComparison, listed: number): number {
  return answers.changes.length - listed + answers.changesLeftOut;
}
