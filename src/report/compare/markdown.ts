/** compare.md (and what `qfbench compare` prints): the comparison as one Markdown table. */
import { markdownTable, markdownText } from '../markdown.js';
import type { ComparisonResult, RunRef } from '../../compare/index.js';
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
      `timings from ok requests, ${options.resamples} bootstrap resamples, p from a Mann-Whitney U test (timings, tokens) or a two-proportion z-test (rates).`,
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
  const unmatched = (role: string, refs: ComparisonResult['unmatched']['base']): void => {
    if (refs.length > 0) lines.push('', `Only in ${role}: ${refs.map((r) => markdownText(r.label)).join(', ')}`);
  };
  unmatched('base', result.unmatched.base);
  unmatched('candidate', result.unmatched.candidate);
  return `${lines.join('\n')}\n`;
}
