/**
 * The compact table printed at the end of a run: one line per cell. Column widths use terminal
 * display width, so Chinese labels (two columns per character) stay aligned. A run that carries
 * cost gets a CNY column ("unknown" where a model has no price, never 0), a total line, the budget
 * line and, with --estimate-check, the estimate beside the actual figures.
 */
import { provenanceLines } from './provenance.js';
import { summaryCost } from '../cost/summary-cost.js';
import { budgetLine, estimateCheckLines, totalCostLine } from './cost-text.js';
import type { CellSummary, Outcome, RunSummary } from '../metrics/types.js';
import { errorCountText, topErrors } from './error-summary.js';
import { costDecimals, fixed, hasReasoning, isFiniteNumber, stat } from './format.js';

export { costDecimals } from './format.js';
import { terminalSafe } from '../util/terminal-text.js';
import { charWidth, displayWidth, padEndToWidth, padStartToWidth, truncateToWidth } from './text-width.js';

export interface ConsoleTableOptions {
  /** Use ANSI colours (bold header, red errors, yellow throttling and simulated notice). */
  color?: boolean;
  /** Longest label shown, in terminal columns (default 40); longer labels end with `…`. */
  maxLabelWidth?: number;
  /**
   * The terminal's width: a wider table drops its least telling columns (and says which) rather
   * than wrap, and longer lines are cut. Undefined (a pipe, a file): every column, no line cut.
   */
  width?: number;
}

export const SIMULATED_NOTICE = 'SIMULATED run — figures come from the built-in simulator';
export const INTERRUPTED_NOTICE = 'INTERRUPTED run — stopped before the plan was finished; `cancelled` requests were never answered';

export const ANSI = { bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', reset: '\x1b[0m' } as const;

export type Style = keyof Omit<typeof ANSI, 'reset'>;

/** Paints `text` when colours are on. */
export const painter =
  (color: boolean) =>
  (text: string, style: Style | undefined): string =>
    color && style !== undefined ? `${ANSI[style]}${text}${ANSI.reset}` : text;

interface Column {
  header: string;
  /** The heading over a run of columns (with the unit they share), on its own line above the headers. */
  group?: string;
  /** The header when no other column of its group is shown (the group line then leaves it out). */
  solo?: string;
  align: 'left' | 'right';
  value: (cell: CellSummary) => string;
  /** Colour for a value, when colours are on. */
  style?: (cell: CellSummary) => Style | undefined;
  /** On a narrow terminal the lowest go first; the cell label and ok never go. */
  priority: number;
  /** True where the cell has nothing to show in it: a column empty for every cell goes first on a narrow terminal. */
  empty?: (cell: CellSummary) => boolean;
}

/** The priority of a column that is empty (all zero) for every cell. */
const EMPTY_PRIORITY = 5;

const DASH = '-';

/** Control characters (ANSI escapes included) would corrupt the terminal; show them as visible escapes, on one line. */
const printable = (text: string): string => terminalSafe(text, { newlines: false });

/**
 * A label cut in the middle: cells differ at the end (`… temperature=0.3` against `… temperature=0.9`)
 * as often as at the start, so both ends stay.
 */
export function cutLabel(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  if (maxWidth < 8) return truncateToWidth(text, maxWidth);
  const chars = Array.from(text);
  let tail = '';
  let tailWidth = 0;
  const tailRoom = Math.floor((maxWidth - 1) * 0.45);
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = charWidth(chars[i]!);
    if (tailWidth + w > tailRoom) break;
    tail = chars[i]! + tail;
    tailWidth += w;
  }
  // The head gets the rest, `…` included (truncateToWidth adds it).
  return `${truncateToWidth(text, maxWidth - tailWidth)}${tail}`;
}

/** Error codes listed per cell under the table. */
const LISTED_ERROR_CODES = 3;

/** The label is cut down to this before any column is dropped for a narrow terminal. */
const NARROW_LABEL_WIDTH = 16;

const KEPT = Number.POSITIVE_INFINITY;

function ms(value: number | undefined): string {
  return fixed(value, 1, DASH);
}

const OUTCOMES_GROUP = 'outcomes (requests)';

/** One column per outcome, each labelled: a bare count never reads as "ok". */
const outcomeColumn = (outcome: Outcome, priority: number, style?: Style): Column => ({
  header: outcome,
  group: OUTCOMES_GROUP,
  solo: outcome,
  align: 'right',
  value: (c) => String(c.outcomes[outcome]),
  priority,
  empty: (c) => c.outcomes[outcome] === 0,
  ...(style !== undefined ? { style: (c: CellSummary) => (c.outcomes[outcome] > 0 ? style : undefined) } : {}),
});

const msColumn = (group: string, header: string, pick: (c: CellSummary) => number | undefined, priority: number): Column => ({
  header,
  group,
  solo: `${group.split(' ')[0]!} ${header} ms`,
  align: 'right',
  value: (c) => ms(pick(c)),
  priority,
});

const COLUMNS: readonly Column[] = [
  { header: 'cell', align: 'left', value: (c) => printable(c.label ?? c.id), priority: KEPT },
  { header: 'planned', align: 'right', value: (c) => String(c.planned), priority: 45 },
  outcomeColumn('ok', KEPT),
  outcomeColumn('failed', 60, 'red'),
  outcomeColumn('throttled', 55, 'yellow'),
  outcomeColumn('timeout', 50, 'red'),
  outcomeColumn('cancelled', 15, 'yellow'),
  outcomeColumn('dropped', 10, 'yellow'),
  msColumn('latency ms', 'p50', (c) => stat(c.latencyMs, 'p50'), 80),
  msColumn('latency ms', 'p99', (c) => stat(c.latencyMs, 'p99'), 40),
  msColumn('TTFT ms', 'p50', (c) => stat(c.ttftMs, 'p50'), 75),
  msColumn('TTFT ms', 'p99', (c) => stat(c.ttftMs, 'p99'), 35),
  msColumn('TPOT ms', 'p50', (c) => stat(c.tpotMs, 'p50'), 25),
  { header: 'out tok/s', align: 'right', value: (c) => fixed(c.throughput.outputTokensPerSec, 1, DASH), priority: 65 },
];

/** v1's flags, each shown only when some cell has one: answers the server judged unsafe, answers it cut. */
const FLAG_COLUMNS: ReadonlyArray<{ column: Column; count: (cell: RunSummary['cells'][number]) => number }> = [
  {
    column: {
      header: 'unsafe',
      group: 'flags',
      align: 'right',
      value: (c) => String(c.flags?.needClearHistory ?? 0),
      style: (c) => ((c.flags?.needClearHistory ?? 0) > 0 ? 'red' : undefined),
      priority: 20,
    },
    count: (c) => c.flags?.needClearHistory ?? 0,
  },
  {
    column: {
      header: 'truncated',
      group: 'flags',
      align: 'right',
      value: (c) => String(c.flags?.truncated ?? 0),
      style: (c) => ((c.flags?.truncated ?? 0) > 0 ? 'yellow' : undefined),
      priority: 20,
    },
    count: (c) => c.flags?.truncated ?? 0,
  },
];

/** Amounts in CNY (the unit is in the header), `unknown` where a model has no price (never 0). */
const costColumn = (decimals: number): Column => ({
  header: 'cost CNY',
  align: 'right',
  value: (c) => (isFiniteNumber(c.cost?.cny) ? c.cost.cny.toFixed(decimals) : 'unknown'),
  priority: 70,
});

/** Reasoning models' time to first reasoning token (TTFT stays the first answer token), shown when some cell has it. */
const TTFRT_COLUMN: Column = msColumn('TTFRT ms', 'p50', (c) => stat(c.ttfrtMs, 'p50'), 30);

/** Reranker cells' throughput, shown when some cell has it. */
const DOCUMENTS_COLUMN: Column = { header: 'docs/s', align: 'right', value: (c) => fixed(c.throughput.documentsPerSec, 1, DASH), priority: 64 };

/** Text-to-image cells' throughput, shown when some cell has it. */
const IMAGES_COLUMN: Column = { header: 'img/s', align: 'right', value: (c) => fixed(c.throughput.imagesPerSec, 2, DASH), priority: 64 };

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
  priority: 85,
};

const GAP = 2;

interface Layout {
  columns: Column[];
  widths: number[];
}

/** Widths of the columns, widened where a group heading is longer than the columns under it. */
function columnWidths(columns: readonly Column[], texts: readonly string[][], labelWidth: number): number[] {
  const headers = headersOf(columns);
  const widths = columns.map((_, i) => {
    const values = texts.map((row) => displayWidth(i === 0 ? cutLabel(row[i]!, labelWidth) : row[i]!));
    return Math.max(displayWidth(headers[i]!), ...values);
  });
  for (const run of groupRuns(columns)) {
    const span = spanWidth(widths, run.from, run.to);
    const need = displayWidth(run.group) + 2;
    if (need > span) widths[run.to] = widths[run.to]! + need - span;
  }
  return widths;
}

/** Runs of neighbouring columns of one group; a column alone in its group (with a `solo` header) makes none. */
function groupRuns(columns: readonly Column[]): Array<{ group: string; from: number; to: number }> {
  const runs: Array<{ group: string; from: number; to: number }> = [];
  columns.forEach((col, i) => {
    const last = runs[runs.length - 1];
    if (col.group === undefined) return;
    if (last !== undefined && last.group === col.group && last.to === i - 1) last.to = i;
    else runs.push({ group: col.group, from: i, to: i });
  });
  return runs.filter((run) => run.to > run.from || columns[run.from]!.solo === undefined);
}

/** Each column's header: its `solo` one when its group shows it alone. */
function headersOf(columns: readonly Column[]): string[] {
  const grouped = new Set<number>();
  for (const run of groupRuns(columns)) for (let i = run.from; i <= run.to; i++) grouped.add(i);
  return columns.map((col, i) => (!grouped.has(i) && col.solo !== undefined ? col.solo : col.header));
}

function spanWidth(widths: readonly number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i <= to; i++) total += widths[i]!;
  return total + GAP * (to - from);
}

const totalWidth = (widths: readonly number[]): number => spanWidth(widths, 0, widths.length - 1);

/** Columns below this priority go before the label is cut: a cut label may no longer tell two cells apart. */
const BEFORE_LABEL_CUT = 50;

/**
 * The columns that fit `width`: first the least telling columns go, then the label is cut (down
 * to 16 columns), then the other columns go, lowest priority first.
 */
function fitColumns(columns: readonly Column[], texts: readonly string[][], maxLabel: number, width: number | undefined): Layout & { labelWidth: number } {
  let visible = columns.map((_, i) => i);
  const textsOf = (indexes: readonly number[]): string[][] => texts.map((row) => indexes.map((i) => row[i]!));
  const measure = (indexes: readonly number[], labelWidth: number): number[] =>
    columnWidths(
      indexes.map((i) => columns[i]!),
      textsOf(indexes),
      labelWidth,
    );
  let labelWidth = maxLabel;
  let widths = measure(visible, labelWidth);
  const tooWide = (): boolean => width !== undefined && totalWidth(widths) > width;
  const dropBelow = (limit: number): void => {
    while (tooWide()) {
      let drop: number | undefined;
      for (const i of visible) if (columns[i]!.priority < limit && (drop === undefined || columns[i]!.priority < columns[drop]!.priority)) drop = i;
      if (drop === undefined) return;
      visible = visible.filter((i) => i !== drop);
      widths = measure(visible, labelWidth);
    }
  };
  dropBelow(BEFORE_LABEL_CUT);
  if (width !== undefined && tooWide()) {
    labelWidth = Math.max(NARROW_LABEL_WIDTH, Math.min(maxLabel, widths[0]!) - (totalWidth(widths) - width));
    widths = measure(visible, labelWidth);
  }
  dropBelow(KEPT);
  return { columns: visible.map((i) => columns[i]!), widths, labelWidth };
}

/** What a dropped column was, in words: `TTFT ms p99`. */
const columnName = (col: Column): string => col.solo?.replace(/ ms$/, '') ?? col.header;

/**
 * The summary as aligned text lines (no trailing newline). A heading line groups the outcome
 * columns and names each group's unit; every outcome has its own labelled column; under the table
 * each cell with errors lists its most frequent error codes with a count and one (redacted) sample message.
 */
export function formatSummaryTable(summary: RunSummary, options: ConsoleTableOptions = {}): string {
  const paint = painter(options.color === true);
  const maxLabel = options.maxLabelWidth ?? 40;
  const width = options.width;
  const cut = (line: string): string => (width !== undefined ? truncateToWidth(line, width) : line);

  const cost = summaryCost(summary);
  const withChecks = summary.cells.some((cell) => cell.assertions !== undefined);
  const flagColumns = FLAG_COLUMNS.filter((flag) => summary.cells.some((cell) => flag.count(cell) > 0)).map((flag) => flag.column);
  const withDocuments = summary.cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  const withReasoning = summary.cells.some(hasReasoning);
  const listed = [
    ...COLUMNS,
    ...(withReasoning ? [TTFRT_COLUMN] : []),
    ...(withDocuments ? [DOCUMENTS_COLUMN] : []),
    ...(summary.cells.some((cell) => cell.throughput.imagesPerSec !== undefined) ? [IMAGES_COLUMN] : []),
    ...flagColumns,
    ...(cost !== undefined ? [costColumn(costDecimals(summary.cells.map((cell) => cell.cost?.cny)))] : []),
    ...(withChecks ? [PASS_COLUMN] : []),
  ];
  const all = listed.map((col) =>
    col.empty !== undefined && col.priority !== KEPT && summary.cells.length > 0 && summary.cells.every(col.empty) ? { ...col, priority: EMPTY_PRIORITY } : col,
  );
  const texts = summary.cells.map((cell) => all.map((col) => col.value(cell)));
  const { columns, widths, labelWidth } = fitColumns(all, texts, maxLabel, width);
  const dropped = all.filter((col) => !columns.includes(col));
  const pad = (text: string, i: number): string => (columns[i]!.align === 'left' ? padEndToWidth(text, widths[i]!) : padStartToWidth(text, widths[i]!));
  const join = (parts: string[]): string => parts.join(' '.repeat(GAP)).trimEnd();

  const lines: string[] = [];
  if (summary.run.simulated) lines.push(paint(cut(SIMULATED_NOTICE), 'yellow'));
  if (summary.run.interrupted === true) lines.push(paint(cut(INTERRUPTED_NOTICE), 'yellow'));
  for (const line of provenanceLines(summary)) lines.push(paint(cut(line), 'yellow'));
  const group = groupLine(columns, widths);
  if (group !== '') lines.push(group);
  const headers = headersOf(columns);
  lines.push(paint(join(headers.map((header, i) => pad(header, i))), 'bold'));
  lines.push(join(widths.map((w) => '-'.repeat(w))));
  for (const cell of summary.cells) {
    const parts = columns.map((col, i) => {
      const raw = col.value(cell);
      return paint(pad(i === 0 ? cutLabel(raw, labelWidth) : raw, i), col.style?.(cell));
    });
    lines.push(join(parts));
  }
  if (summary.cells.length === 0) lines.push('(no cells)');
  if (dropped.length > 0) lines.push(cut(`(${dropped.length} more columns in summary.csv, too wide for the terminal: ${dropped.map(columnName).join(', ')})`));
  lines.push(...errorLines(summary.cells, maxLabel).map((line) => paint(cut(line), 'red')));
  if (cost !== undefined) {
    lines.push(cut(totalCostLine(cost)));
    const budget = budgetLine(cost);
    if (budget !== undefined) lines.push(paint(cut(budget), cost.budget?.stopReason !== undefined ? 'yellow' : undefined));
    if (cost.estimateCheck !== undefined) lines.push(...estimateCheckLines(cost.estimateCheck).map(cut));
  }
  return lines.join('\n');
}

/** The line over the headers: each group's name (and unit) centred in dashes over its columns. */
function groupLine(columns: readonly Column[], widths: readonly number[]): string {
  let line = '';
  let at = 0;
  for (const run of groupRuns(columns)) {
    const start = run.from === 0 ? 0 : spanWidth(widths, 0, run.from - 1) + GAP;
    const span = spanWidth(widths, run.from, run.to);
    const label = ` ${run.group} `;
    const left = Math.floor((span - displayWidth(label)) / 2);
    line += ' '.repeat(start - at) + '-'.repeat(left) + label + '-'.repeat(span - left - displayWidth(label));
    at = start + span;
  }
  return line.trimEnd();
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
