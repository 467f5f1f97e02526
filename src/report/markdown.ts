/**
 * Markdown summaries for CI job pages and pull requests: a compact table of one run
 * (`renderRunMarkdown`) and the helper that appends Markdown to GitHub's job summary. Names and
 * messages are untrusted: they are escaped so they cannot break the table or inject markup.
 */
import { provenanceLines } from './provenance.js';
import { appendFile } from 'node:fs/promises';
import { summaryCost } from '../cost/summary-cost.js';
import { budgetLine, totalCostLine } from './cost-text.js';
import type { RunSummary } from '../metrics/types.js';
import { cellRates, fixed, formatCny, isFiniteNumber, stat } from './format.js';
import { redact } from '../util/redact.js';

const DASH = '–';

/** Text safe inside a Markdown table cell: no line breaks, pipes, HTML or emphasis markers. */
export function markdownText(value: unknown): string {
  // Messages and labels can quote what a server echoed: no key or token reaches a job summary.
  return redact(String(value ?? ''))
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** A Markdown table from a header and rows of already escaped cells; `right` marks numeric columns. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (right.has(i) ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

export const SIMULATED_MARKDOWN = '> **SIMULATED** — every figure comes from the built-in simulator, not from a real API.';

/** A compact Markdown summary of one run: metadata line and one table row per cell. */
export function renderRunMarkdown(summary: RunSummary): string {
  const run = summary.run;
  const simulated = run?.simulated === true;
  const lines: string[] = [];
  lines.push(`## qfbench run${simulated ? ' — SIMULATED' : ''}`);
  lines.push('');
  if (simulated) lines.push(SIMULATED_MARKDOWN, '');
  if (run !== undefined) for (const line of provenanceLines(summary)) lines.push(`> ${line}`, '');
  const facts = [
    `models: ${(run?.models ?? []).map(markdownText).join(', ') || DASH}`,
    `${summary.cells.length} cell(s)`,
    isFiniteNumber(run?.concurrency) ? `concurrency ${run.concurrency}` : undefined,
    isFiniteNumber(run?.seed) ? `seed ${run.seed}` : undefined,
    isFiniteNumber(run?.durationMs) ? `${(run.durationMs / 1000).toFixed(1)} s` : undefined,
    run?.startedAt !== undefined ? `started ${markdownText(run.startedAt)}` : undefined,
    `qfbench ${markdownText(summary.tool.version)}`,
  ].filter((f): f is string => f !== undefined);
  lines.push(facts.join(' · '));
  if (run?.interrupted === true) lines.push('', '**Interrupted**: the run stopped before its plan was exhausted.');
  lines.push('');
  const withCost = summary.cells.some((cell) => cell.cost !== undefined);
  const header = ['cell', 'ok/planned', 'error rate', 'throttled', 'latency p50 ms', 'latency p99 ms', 'TTFT p50 ms', 'TTFT p99 ms', 'out tok/s'];
  const withDocuments = summary.cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  if (withDocuments) header.push('docs/s');
  const withImages = summary.cells.some((cell) => cell.throughput.imagesPerSec !== undefined);
  if (withImages) header.push('img/s');
  if (withCost) header.push('cost CNY');
  const rows = summary.cells.map((cell) => {
    const rates = cellRates(cell);
    const row = [
      markdownText(cell.label),
      `${cell.outcomes.ok}/${cell.planned}`,
      isFiniteNumber(rates.errorRate) ? `${(rates.errorRate * 100).toFixed(1)}%` : DASH,
      String(cell.outcomes.throttled),
      fixed(stat(cell.latencyMs, 'p50'), 1, DASH),
      fixed(stat(cell.latencyMs, 'p99'), 1, DASH),
      fixed(stat(cell.ttftMs, 'p50'), 1, DASH),
      fixed(stat(cell.ttftMs, 'p99'), 1, DASH),
      fixed(cell.throughput.outputTokensPerSec, 1, DASH),
    ];
    if (withDocuments) row.push(fixed(cell.throughput.documentsPerSec, 1, DASH));
    if (withImages) row.push(fixed(cell.throughput.imagesPerSec, 2, DASH));
    if (withCost) {
      const cost = cell.cost;
      row.push(cost === undefined || cost.cny === null ? 'unknown' : `¥${formatCny(cost.cny)}`);
    }
    return row;
  });
  lines.push(markdownTable(header, rows, new Set(header.map((_, i) => i).filter((i) => i > 0))));
  const cost = summaryCost(summary);
  if (cost !== undefined) {
    const total = totalCostLine(cost);
    lines.push('', `**${markdownText(total.charAt(0).toUpperCase() + total.slice(1))}**`);
    const budget = budgetLine(cost);
    if (budget !== undefined) lines.push('', markdownText(budget.charAt(0).toUpperCase() + budget.slice(1)));
  }
  const errors = new Map<string, number>();
  for (const cell of summary.cells) {
    for (const [code, error] of Object.entries(cell.errors)) errors.set(code, (errors.get(code) ?? 0) + error.count);
  }
  if (errors.size > 0) {
    lines.push('', `Errors by code: ${[...errors].map(([code, n]) => `${markdownText(code)} ×${n}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Append Markdown to the file GitHub Actions names in GITHUB_STEP_SUMMARY (the job's summary
 * page). Does nothing and returns false when the variable is not set.
 */
export async function appendGithubStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = env['GITHUB_STEP_SUMMARY'];
  if (path === undefined || path === '') return false;
  await appendFile(path, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`, 'utf8');
  return true;
}
