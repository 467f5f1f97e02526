/** compare.md (and what `qfbench compare` prints): the comparison as one Markdown table. */
import { markdownTable, markdownText } from '../markdown.js';
import type { ComparisonResult, RunRef } from '../../compare/index.js';
import { LISTED_CHANGES_HTML, LISTED_CHANGES_MARKDOWN, passRateDelta, passRateLine } from './answers-text.js';
import { formatDelta, formatInterval, formatP, formatRelative, formatValue } from '../../compare/format.js';
import type { Verdict } from '../../compare/stats.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  regression: '**regression**',
  improvement: '**improvement**',
  changed: 'changed',
  'no significant change': 'no significant change',
  'insufficient data': 'insufficient data',
  'not tested': 'not tested',
};

function runLine(role: string, run: RunRef): string {
  const sim = run.simulated ? ' **SIMULATED**' : '';
  return `- ${role}: ${markdownText(run.dir)} — started ${markdownText(run.startedAt)}, qfbench ${markdownText(run.version)}${sim}`;
}

export function renderComparisonMarkdown(result: ComparisonResult): string {
  const { options } = result;
  const level = `${Math.round(options.confidence * 100)}%`;
  const lines: string[] = ['## qfbench compare', ''];
  lines.push(runLine('base', result.base), runLine('candidate', result.candidate), '');
  if (result.base.simulated || result.candidate.simulated) {
    lines.push('> **SIMULATED** — at least one run used the built-in simulator; its figures say nothing about a real API.', '');
  }
  const cells = result.matched.length;
  lines.push(
    `**${result.regressions} regression(s), ${result.improvements} improvement(s)** in ${cells} matched cell(s). ` +
      `A change counts only when its ${level} interval excludes 0 and it is beyond ±${(options.tolerance * 100).toFixed(0)}%; ` +
      `timings from ok requests, ${options.resamples} bootstrap resamples, p from a Mann-Whitney U test (timings, tokens) or a two-proportion z-test ` +
      `(rates); ` +
      `the pass rate counts only when an exact test (McNemar on paired verdicts, else Fisher) gives p < ${+(1 - options.confidence).toFixed(4)}.`,
    '',
  );
  if (cells > 0) {
    const header = ['cell', 'metric', 'base', 'candidate', 'Δ', 'Δ%', `${level} CI of Δ`, 'p', 'verdict'];
    const rows = result.matched.flatMap((cell) =>
      cell.deltas.map((d) => [
        markdownText(cell.label),
        markdownText(d.label),
        formatValue(d.unit, d.base),
        formatValue(d.unit, d.candidate),
        formatDelta(d.unit, d.delta),
        formatRelative(d.relative),
        formatInterval(d.unit, d.interval),
        formatP(d.pValue),
        VERDICT_TEXT[d.verdict],
      ]),
    );
    lines.push(markdownTable(header, rows, new Set([2, 3, 4, 5, 6, 7])));
  } else {
    lines.push('No cell matched (cells are matched by model and parameters).');
  }
  lines.push(...answerLines(result));
  const unmatched = (role: string, refs: ComparisonResult['unmatched']['base']): void => {
    if (refs.length > 0) lines.push('', `Only in ${role}: ${refs.map((r) => markdownText(r.label)).join(', ')}`);
  };
  unmatched('base', result.unmatched.base);
  unmatched('candidate', result.unmatched.candidate);
  return `${lines.join('\n')}\n`;
}

/** Each cell's pass-rate change with its verdict, then the rows whose verdict changed (bounded). */
function answerLines(result: ComparisonResult): string[] {
  const cells = result.matched.filter((cell) => cell.answers !== undefined);
  if (cells.length === 0) return [];
  const lines = ['', '### Answers', ''];
  for (const cell of cells) {
    const delta = passRateDelta(cell);
    if (cell.answers === undefined || delta === undefined) continue;
    lines.push(`- ${markdownText(cell.label)}: pass rate ${passRateLine(cell.answers, delta)} — ${VERDICT_TEXT[delta.verdict]}`);
  }
  const changes = cells.flatMap((cell) => (cell.answers?.changes ?? []).map((change) => ({ cell, change })));
  const total = cells.reduce((sum, cell) => sum + (cell.answers?.passToFail ?? 0) + (cell.answers?.failToPass ?? 0), 0);
  if (total === 0) {
    lines.push('', 'No row changed verdict.');
    return lines;
  }
  // Regressions of every cell before any fix.
  changes.sort((a, b) => (a.change.change === b.change.change ? 0 : a.change.change === 'pass→fail' ? -1 : 1));
  const listed = changes.slice(0, LISTED_CHANGES_MARKDOWN);
  lines.push('', `${total} row verdict(s) changed:`, '');
  lines.push(
    markdownTable(
      ['cell', 'row', 'repeat', 'change', 'reason'],
      listed.map(({ cell, change }) => [
        markdownText(cell.label),
        markdownText(change.rowId),
        String(change.repeat),
        change.change === 'pass→fail' ? '**pass→fail**' : 'fail→pass',
        markdownText(change.reason),
      ]),
      new Set([2]),
    ),
  );
  if (total > listed.length) lines.push('', `… and ${total - listed.length} more; compare.html lists up to ${LISTED_CHANGES_HTML} per cell.`);
  return lines;
}
