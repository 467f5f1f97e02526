/**
 * The checks of a run in Markdown, for `--summary-md` and GitHub's job summary: the pass rate of
 * each cell and every failure (assertions, thresholds, baseline), escaped like the rest of the
 * summary since reasons quote untrusted text.
 */
import type { RunSummary } from '../metrics/types.js';
import { cellLabel } from '../report/cell-extras.js';
import { markdownTable, markdownText } from '../report/markdown.js';
import type { RunVerdict } from '../run/extensions.js';

const LISTED = 50;

export function renderChecksMarkdown(summary: RunSummary, verdict: RunVerdict): string {
  const lines = ['### Checks', ''];
  if (summary.run.replayedFrom !== undefined) {
    lines.push(`Answers replayed from \`${markdownText(summary.run.replayedFrom)}\`: no timing or cost figure comes from them.`, '');
  }
  const cells = summary.cells.filter((cell) => cell.assertions !== undefined);
  if (cells.length > 0) {
    const rows = cells.map((cell) => {
      const a = cell.assertions as NonNullable<typeof cell.assertions>;
      return [markdownText(cellLabel(cell)), a.passRate === null ? '–' : `${(a.passRate * 100).toFixed(1)}%`, String(a.passed), String(a.failed), String(a.skipped)];
    });
    lines.push(markdownTable(['cell', 'pass rate', 'passed', 'failed', 'skipped'], rows, new Set([1, 2, 3, 4])), '');
  }
  if (verdict.abortReason !== undefined) lines.push(`**Aborted**: ${markdownText(verdict.abortReason)}`, '');
  if (verdict.failures.length === 0) {
    lines.push('All checks passed.');
  } else {
    lines.push(`**${verdict.failures.length} check(s) failed:**`, '');
    lines.push(...verdict.failures.slice(0, LISTED).map((failure) => `- ${markdownText(failure)}`));
    if (verdict.failures.length > LISTED) lines.push(`- … and ${verdict.failures.length - LISTED} more`);
  }
  return `${lines.join('\n')}\n`;
}
