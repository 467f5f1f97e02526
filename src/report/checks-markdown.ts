/**
 * The checks of a run in Markdown, for `--summary-md` and GitHub's job summary: the pass rate of
 * each cell, every failed check (assertions, thresholds, baseline) and, apart from them, the
 * requests that got no answer; escaped like the rest of the summary since reasons quote untrusted text.
 */
import type { RunSummary } from '../metrics/types.js';
import { markdownTable, markdownText } from './markdown.js';
import type { RunVerdict } from '../eval/verdict.js';

const LISTED = 50;

export function renderChecksMarkdown(summary: RunSummary, verdict: RunVerdict): string {
  const lines = ['### Checks', ''];
  if (summary.run.replayedFrom !== undefined) {
    lines.push(`Answers replayed from \`${markdownText(summary.run.replayedFrom)}\`: no timing or cost figure comes from them.`, '');
  }
  const checked = summary.cells.flatMap((cell) => (cell.assertions !== undefined ? [{ label: cell.label, a: cell.assertions }] : []));
  if (checked.length > 0) {
    const rows = checked.map(({ label, a }) => {
      return [
        markdownText(label),
        a.passRate === null ? '–' : `${(a.passRate * 100).toFixed(1)}%`,
        String(a.passed),
        String(a.failed),
        String(a.errored ?? 0),
        String(a.skipped),
      ];
    });
    lines.push(markdownTable(['cell', 'pass rate', 'passed', 'failed', 'no answer', 'skipped'], rows, new Set([1, 2, 3, 4, 5])), '');
  }
  if (verdict.abortReason !== undefined) lines.push(`**Aborted**: ${markdownText(verdict.abortReason)}`, '');
  if (verdict.failures.length === 0 && verdict.errors.length === 0) {
    lines.push('All checks passed.');
  } else {
    if (verdict.failures.length > 0) listed(lines, `**${verdict.failures.length} check(s) failed:**`, verdict.failures);
    if (verdict.errors.length > 0) listed(lines, `**Requests without an answer** (errors, not failed checks):`, verdict.errors);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function listed(lines: string[], heading: string, items: readonly string[]): void {
  lines.push(heading, '');
  lines.push(...items.slice(0, LISTED).map((item) => `- ${markdownText(item)}`));
  if (items.length > LISTED) lines.push(`- … and ${items.length - LISTED} more`);
  lines.push('');
}
