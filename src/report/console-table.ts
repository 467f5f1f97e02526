/**
 * The compact table printed at the end of a run: one line per cell. Column widths use terminal
 * display width, so Chinese labels (two columns per character) stay aligned. A run that carries
 * cost gets a CNY column ("unknown" where a model has no price, never 0), a total line, the budget
 * line and, with --estimate-check, the estimate beside the actual figures.
 */
import { budgetLine, estimateCheckLines, summaryCost, totalCostLine, yuanText } from '../cost/summary-cost.js';
import type { CellSummary, RunSummary } from '../metrics/types.js';
import { cellCost } from './cell-extras.js';
import { cellRates, fixed, stat } from './format.js';
import { displayWidth, padEndToWidth, padStartToWidth, truncateToWidth } from './text-width.js';

export interface ConsoleTableOptions {
  /** Use ANSI colours (bold header, red errors, yellow throttling and simulated notice). */
  color?: boolean;
  /** Longest label shown, in terminal columns (default 40); longer labels end with `…`. */
  maxLabelWidth?: number;
}

export const SIMULATED_NOTICE = 'SIMULATED run — figures come from the built-in simulator';

const ANSI = { bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', reset: '\x1b[0m' } as const;

type Style = keyof Omit<typeof ANSI, 'reset'>;

interface Column {
  header: string;
  align: 'left' | 'right';
  value: (cell: CellSummary) => string;
  /** Colour for a value, when colours are on. */
  style?: (cell: CellSummary) => Style | undefined;
}

const DASH = '-';

/** Control characters (ANSI escapes included) would corrupt the terminal; show them as `?`. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function ms(value: number | undefined): string {
  return fixed(value, 1, DASH);
}

const COLUMNS: readonly Column[] = [
  { header: 'cell', align: 'left', value: (c) => printable(c.label ?? c.id) },
  { header: 'ok/planned', align: 'right', value: (c) => `${c.outcomes?.ok ?? 0}/${c.planned ?? 0}` },
  {
    header: 'errors',
    align: 'right',
    value: (c) => String(cellRates(c).errors),
    style: (c) => (cellRates(c).errors > 0 ? 'red' : undefined),
  },
  {
    header: 'throttled',
    align: 'right',
    value: (c) => String(c.outcomes?.throttled ?? 0),
    style: (c) => ((c.outcomes?.throttled ?? 0) > 0 ? 'yellow' : undefined),
  },
  { header: 'lat p50', align: 'right', value: (c) => ms(stat(c.latencyMs, 'p50')) },
  { header: 'lat p99', align: 'right', value: (c) => ms(stat(c.latencyMs, 'p99')) },
  { header: 'ttft p50', align: 'right', value: (c) => ms(stat(c.ttftMs, 'p50')) },
  { header: 'ttft p99', align: 'right', value: (c) => ms(stat(c.ttftMs, 'p99')) },
  { header: 'tpot p50', align: 'right', value: (c) => ms(stat(c.tpotMs, 'p50')) },
  { header: 'out tok/s', align: 'right', value: (c) => fixed(c.throughput?.outputTokensPerSec, 1, DASH) },
];

const COST_COLUMN: Column = { header: 'CNY', align: 'right', value: (c) => yuanText(cellCost(c)?.cny) };

/** Assertion pass rate over every repeat, with the counts behind it. */
const PASS_COLUMN: Column = {
  header: 'pass',
  align: 'right',
  value: (c) => {
    const checks = c.assertions;
    if (checks === undefined || checks.passRate === null) return DASH;
    return `${(checks.passRate * 100).toFixed(1)}% ${checks.passed}/${checks.passed + checks.failed}`;
  },
  style: (c) => (c.assertions !== undefined && c.assertions.failed > 0 ? 'red' : undefined),
};

/**
 * The summary as aligned text lines (no trailing newline). Times are milliseconds; `errors` is
 * failed + timeout, throttled requests are counted apart.
 */
export function formatSummaryTable(summary: RunSummary, options: ConsoleTableOptions = {}): string {
  const color = options.color === true;
  const maxLabel = options.maxLabelWidth ?? 40;
  const paint = (text: string, style: Style | undefined): string =>
    color && style !== undefined ? `${ANSI[style]}${text}${ANSI.reset}` : text;

  const cost = summaryCost(summary);
  const withChecks = summary.cells.some((cell) => cell.assertions !== undefined);
  const columns = [...COLUMNS, ...(cost !== undefined ? [COST_COLUMN] : []), ...(withChecks ? [PASS_COLUMN] : [])];
  const cells = summary.cells.map((cell) =>
    columns.map((col, i) => {
      const raw = col.value(cell);
      return { text: i === 0 ? truncateToWidth(raw, maxLabel) : raw, style: col.style?.(cell) };
    }),
  );
  const widths = columns.map((col, i) =>
    Math.max(displayWidth(col.header), ...cells.map((row) => displayWidth(row[i]!.text))),
  );
  const pad = (text: string, i: number): string =>
    columns[i]!.align === 'left' ? padEndToWidth(text, widths[i]!) : padStartToWidth(text, widths[i]!);
  const join = (parts: string[]): string => parts.join('  ').trimEnd();

  const lines: string[] = [];
  if (summary.run.simulated) lines.push(paint(SIMULATED_NOTICE, 'yellow'));
  lines.push(paint(join(columns.map((col, i) => pad(col.header, i))), 'bold'));
  lines.push(join(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) {
    lines.push(join(row.map((cell, i) => paint(pad(cell.text, i), cell.style))));
  }
  if (summary.cells.length === 0) lines.push('(no cells)');
  if (cost !== undefined) {
    lines.push(totalCostLine(cost));
    const budget = budgetLine(cost);
    if (budget !== undefined) lines.push(paint(budget, cost.budget?.stopReason !== undefined ? 'yellow' : undefined));
    if (cost.estimateCheck !== undefined) lines.push(...estimateCheckLines(cost.estimateCheck));
  }
  return lines.join('\n');
}
