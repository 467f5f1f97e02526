/**
 * The compact table printed at the end of a run: one line per cell. Column widths use terminal
 * display width, so Chinese labels (two columns per character) stay aligned. A run that carries
 * cost gets a CNY column ("unknown" where a model has no price, never 0), a total line, the budget
 * line and, with --estimate-check, the estimate beside the actual figures.
 */
import { provenanceLines } from './provenance.js';
import { summaryCost } from '../cost/summary-cost.js';
import { budgetLine, estimateCheckLines, totalCostLine, yuanText } from './cost-text.js';
import type { CellSummary, Outcome, RunSummary } from '../metrics/types.js';
import { errorCountText, topErrors } from './error-summary.js';
import { fixed, hasReasoning, stat } from './format.js';
import { terminalSafe } from '../util/terminal-text.js';
import { displayWidth, padEndToWidth, padStartToWidth, truncateToWidth } from './text-width.js';

export interface ConsoleTableOptions {
  /** Use ANSI colours (bold header, red errors, yellow throttling and simulated notice). */
  color?: boolean;
  /** Longest label shown, in terminal columns (default 40); longer labels end with `…`. */
  maxLabelWidth?: number;
}

export const SIMULATED_NOTICE = 'SIMULATED run — figures come from the built-in simulator';
export const INTERRUPTED_NOTICE = 'INTERRUPTED run — stopped before the plan was finished; `cancelled` requests were never answered';

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

/** Control characters (ANSI escapes included) would corrupt the terminal; show them as visible escapes, on one line. */
const printable = (text: string): string => terminalSafe(text, { newlines: false });

/** Error codes listed per cell under the table. */
const LISTED_ERROR_CODES = 3;

function ms(value: number | undefined): string {
  return fixed(value, 1, DASH);
}

/** One column per outcome, each labelled: a bare count never reads as "ok". */
const outcomeColumn = (outcome: Outcome, style?: Style): Column => ({
  header: outcome,
  align: 'right',
  value: (c) => String(c.outcomes[outcome]),
  ...(style !== undefined ? { style: (c: CellSummary) => (c.outcomes[outcome] > 0 ? style : undefined) } : {}),
});

const COLUMNS: readonly Column[] = [
  { header: 'cell', align: 'left', value: (c) => printable(c.label ?? c.id) },
  { header: 'planned', align: 'right', value: (c) => String(c.planned) },
  outcomeColumn('ok'),
  outcomeColumn('failed', 'red'),
  outcomeColumn('throttled', 'yellow'),
  outcomeColumn('timeout', 'red'),
  outcomeColumn('cancelled', 'yellow'),
  outcomeColumn('dropped', 'yellow'),
  { header: 'lat p50', align: 'right', value: (c) => ms(stat(c.latencyMs, 'p50')) },
  { header: 'lat p99', align: 'right', value: (c) => ms(stat(c.latencyMs, 'p99')) },
  { header: 'ttft p50', align: 'right', value: (c) => ms(stat(c.ttftMs, 'p50')) },
  { header: 'ttft p99', align: 'right', value: (c) => ms(stat(c.ttftMs, 'p99')) },
  { header: 'tpot p50', align: 'right', value: (c) => ms(stat(c.tpotMs, 'p50')) },
  { header: 'out tok/s', align: 'right', value: (c) => fixed(c.throughput.outputTokensPerSec, 1, DASH) },
];

/** v1's flags, each shown only when some cell has one: answers the server judged unsafe, answers it cut. */
const FLAG_COLUMNS: ReadonlyArray<{ column: Column; count: (cell: RunSummary['cells'][number]) => number }> = [
  {
    column: {
      header: 'unsafe',
      align: 'right',
      value: (c) => String(c.flags?.needClearHistory ?? 0),
      style: (c) => ((c.flags?.needClearHistory ?? 0) > 0 ? 'red' : undefined),
    },
    count: (c) => c.flags?.needClearHistory ?? 0,
  },
  {
    column: {
      header: 'truncated',
      align: 'right',
      value: (c) => String(c.flags?.truncated ?? 0),
      style: (c) => ((c.flags?.truncated ?? 0) > 0 ? 'yellow' : undefined),
    },
    count: (c) => c.flags?.truncated ?? 0,
  },
];

const COST_COLUMN: Column = { header: 'CNY', align: 'right', value: (c) => yuanText(c.cost?.cny) };

/** Reasoning models' time to first reasoning token (TTFT stays the first answer token), shown when some cell has it. */
const TTFRT_COLUMN: Column = { header: 'ttfrt p50', align: 'right', value: (c) => ms(stat(c.ttfrtMs, 'p50')) };

/** Reranker cells' throughput, shown when some cell has it. */
const DOCUMENTS_COLUMN: Column = { header: 'docs/s', align: 'right', value: (c) => fixed(c.throughput.documentsPerSec, 1, DASH) };

/** Text-to-image cells' throughput, shown when some cell has it. */
const IMAGES_COLUMN: Column = { header: 'img/s', align: 'right', value: (c) => fixed(c.throughput.imagesPerSec, 2, DASH) };

/** Assertion pass rate over every repeat, with the counts behind it. */
const PASS_COLUMN: Column = {
  header: 'pass',
  align: 'right',
  value: (c) => {
    const checks = c.assertions;
    if (checks === undefined || checks.passRate === null) return DASH;
    // Requests without an answer count against the rate but are shown apart from failed checks.
    const errored = checks.errored ?? 0;
    return `${(checks.passRate * 100).toFixed(1)}% ${checks.passed}/${checks.passed + checks.failed + errored}${errored > 0 ? ` (${errored} no answer)` : ''}`;
  },
  style: (c) => (c.assertions !== undefined && c.assertions.failed + (c.assertions.errored ?? 0) > 0 ? 'red' : undefined),
};

/**
 * The summary as aligned text lines (no trailing newline). Times are milliseconds; every outcome
 * has its own labelled column, and under the table each cell with errors lists its most frequent
 * error codes with a count and one (redacted) sample message.
 */
export function formatSummaryTable(summary: RunSummary, options: ConsoleTableOptions = {}): string {
  const color = options.color === true;
  const maxLabel = options.maxLabelWidth ?? 40;
  const paint = (text: string, style: Style | undefined): string => (color && style !== undefined ? `${ANSI[style]}${text}${ANSI.reset}` : text);

  const cost = summaryCost(summary);
  const withChecks = summary.cells.some((cell) => cell.assertions !== undefined);
  const flagColumns = FLAG_COLUMNS.filter((flag) => summary.cells.some((cell) => flag.count(cell) > 0)).map((flag) => flag.column);
  const withDocuments = summary.cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  const withReasoning = summary.cells.some(hasReasoning);
  const columns = [
    ...COLUMNS,
    ...(withReasoning ? [TTFRT_COLUMN] : []),
    ...(withDocuments ? [DOCUMENTS_COLUMN] : []),
    ...(summary.cells.some((cell) => cell.throughput.imagesPerSec !== undefined) ? [IMAGES_COLUMN] : []),
    ...flagColumns,
    ...(cost !== undefined ? [COST_COLUMN] : []),
    ...(withChecks ? [PASS_COLUMN] : []),
  ];
  const cells = summary.cells.map((cell) =>
    columns.map((col, i) => {
      const raw = col.value(cell);
      return { text: i === 0 ? truncateToWidth(raw, maxLabel) : raw, style: col.style?.(cell) };
    }),
  );
  const widths = columns.map((col, i) => Math.max(displayWidth(col.header), ...cells.map((row) => displayWidth(row[i]!.text))));
  const pad = (text: string, i: number): string => (columns[i]!.align === 'left' ? padEndToWidth(text, widths[i]!) : padStartToWidth(text, widths[i]!));
  const join = (parts: string[]): string => parts.join('  ').trimEnd();

  const lines: string[] = [];
  if (summary.run.simulated) lines.push(paint(SIMULATED_NOTICE, 'yellow'));
  if (summary.run.interrupted === true) lines.push(paint(INTERRUPTED_NOTICE, 'yellow'));
  for (const line of provenanceLines(summary)) lines.push(paint(line, 'yellow'));
  lines.push(paint(join(columns.map((col, i) => pad(col.header, i))), 'bold'));
  lines.push(join(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) {
    lines.push(join(row.map((cell, i) => paint(pad(cell.text, i), cell.style))));
  }
  if (summary.cells.length === 0) lines.push('(no cells)');
  lines.push(...errorLines(summary.cells, maxLabel).map((line) => paint(line, 'red')));
  if (cost !== undefined) {
    lines.push(totalCostLine(cost));
    const budget = budgetLine(cost);
    if (budget !== undefined) lines.push(paint(budget, cost.budget?.stopReason !== undefined ? 'yellow' : undefined));
    if (cost.estimateCheck !== undefined) lines.push(...estimateCheckLines(cost.estimateCheck));
  }
  return lines.join('\n');
}

/** `errors of <cell>: invalid_api_key ×4 "Incorrect API key provided"; …` for each cell that has any. */
function errorLines(cells: readonly CellSummary[], maxLabel: number): string[] {
  const lines: string[] = [];
  for (const cell of cells) {
    const top = topErrors([cell], LISTED_ERROR_CODES);
    if (top.length === 0) continue;
    const codes = Object.keys(cell.errors).length;
    const more = codes > top.length ? `; and ${codes - top.length} more code(s) in requests.csv` : '';
    lines.push(`errors of ${truncateToWidth(printable(cell.label ?? cell.id), maxLabel)}: ${top.map(errorCountText).join('; ')}${more}`);
  }
  return lines;
}
