/**
 * The columns of report.html's cell table, in four sets (Overview, Latency, Tokens & throughput,
 * Outcomes) small enough each to fit a 1,280 px screen: each column's header, HTML, the value a
 * sort orders by and, for figure columns, which value is best. Columns appear only when some cell
 * has their figure (cost, assertions, reasoning, documents, images, v1 flags).
 */
import { costPer1kRequests } from '../compare/objectives.js';
import type { CellSummary, DistributionSummary, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { cellRates, costDecimals, fixed, formatCny, hasReasoning, isFiniteNumber, stat } from './format.js';
import { countText, DASH, escapeHtml, msText, percentText } from './html-kit.js';

export const COLUMN_SETS = [
  ['overview', 'Overview'],
  ['latency', 'Latency'],
  ['tokens', 'Tokens & throughput'],
  ['outcomes', 'Outcomes'],
  ['checks', 'Checks & SLO'],
] as const;
export type ColumnSet = (typeof COLUMN_SETS)[number][0];

/** Which value of a column is best, and the number it is judged by. */
export interface Best {
  better: 'lower' | 'higher';
  value: (cell: CellSummary) => number | null | undefined;
}

export interface CellColumn {
  header: string;
  title?: string;
  html: (cell: CellSummary) => string;
  numeric?: boolean;
  sortValue: (cell: CellSummary) => number | string | null | undefined;
  best?: Best;
}

export interface ColumnGroup {
  set: ColumnSet;
  label: string;
  columns: CellColumn[];
}

// ---------------------------------------------------------------------------------------------
// Cell figures as HTML

/** An amount in CNY with the column's decimals, or "unknown" (never 0) when it could not be priced. */
function cnyHtml(value: number | null | undefined, decimals: number): string {
  return isFiniteNumber(value) ? `¥${escapeHtml(value.toFixed(decimals))}` : '<span class="unknown">unknown</span>';
}

/** A cell's assertion pass rate over every repeat, with the counts behind it. */
function passRateHtml(cell: CellSummary): string {
  const counts = cell.assertions;
  if (counts === undefined || counts.passRate === null) return DASH;
  return (
    `${percentText(counts.passRate)} ` +
    `<span class="note">(${countText(counts.passed)}/${countText(counts.passed + counts.failed + (counts.errored ?? 0))})</span>`
  );
}

function passRate(cell: CellSummary): number | null {
  return isFiniteNumber(cell.assertions?.passRate) ? cell.assertions.passRate : null;
}

/** The run's total cost line, when the run was priced: unknown when any model had no price. */
export function totalCostHtml(summary: RunSummary): string {
  const cost = summary.cost;
  if (cost === undefined) return '';
  const amount = cost.totalCny === null ? '<span class="unknown">unknown</span>' : `¥${escapeHtml(formatCny(cost.totalCny))}`;
  const unpriced =
    cost.unpricedModels.length > 0
      ? ` (no price for ${escapeHtml(cost.unpricedModels.join(', '))}; the priced cells come to ¥${escapeHtml(formatCny(cost.knownCny))})`
      : '';
  const stopped = cost.budget?.stopReason !== undefined ? ` Budget stop: ${escapeHtml(cost.budget.stopReason)}.` : '';
  return (
    `<p class="total-cost"><strong>Total cost:</strong> ${amount}${unpriced}, prices as ` +
    `of ${escapeHtml(cost.priceDate)}${cost.simulated ? ' <span class="sim-text">(SIMULATED tokens at real prices)</span>' : ''}.${stopped}</p>`
  );
}

// ---------------------------------------------------------------------------------------------
// Columns

function msColumn(name: string, pick: (cell: CellSummary) => DistributionSummary | undefined, key: 'p50' | 'p90' | 'p95' | 'p99'): CellColumn {
  const value = (cell: CellSummary): number | undefined => stat(pick(cell), key);
  return {
    header: key,
    title: `${name} ${key}, ms`,
    html: (c) => msText(value(c)),
    numeric: true,
    sortValue: value,
    best: { better: 'lower', value },
  };
}

function countColumn(header: string, value: (cell: CellSummary) => number | undefined, title?: string): CellColumn {
  return { header, ...(title !== undefined ? { title } : {}), html: (c) => countText(value(c)), numeric: true, sortValue: value };
}

function rateColumn(header: string, title: string, value: (cell: CellSummary) => number | undefined, better: 'lower' | 'higher'): CellColumn {
  return { header, title, html: (c) => percentText(value(c)), numeric: true, sortValue: value, best: { better, value } };
}

function perSecondColumn(header: string, title: string, value: (cell: CellSummary) => number | undefined, digits: number): CellColumn {
  return { header, title, html: (c) => fixed(value(c), digits, DASH), numeric: true, sortValue: value, best: { better: 'higher', value } };
}

const errorRate = (c: CellSummary): number | undefined => cellRates(c).errorRate;
const throttledRate = (c: CellSummary): number | undefined => cellRates(c).throttledRate;
const outputRate = (c: CellSummary): number | undefined => (c.outcomes.ok > 0 ? c.throughput.outputTokensPerSec : undefined);

/** A 0..1 score (the mean row score, or one named metric's) with two decimals; higher is better. */
function scoreColumn(header: string, title: string, value: (cell: CellSummary) => number | null | undefined): CellColumn {
  return { header, title, html: (c) => fixed(value(c), 2, DASH), numeric: true, sortValue: value, best: { better: 'higher', value } };
}

/** Named metrics shown as columns at most; the rest are in summary.json. */
const METRIC_COLUMNS = 8;

/** The checks set: pass rate, mean score and each named metric, and goodput against --slo, each only when some cell has it. */
function checkGroups(cells: readonly CellSummary[]): ColumnGroup[] {
  const groups: ColumnGroup[] = [];
  if (cells.some((cell) => cell.assertions !== undefined)) {
    const withScore = cells.some((cell) => isFiniteNumber(cell.assertions?.score));
    groups.push({
      set: 'checks',
      label: 'Assertions',
      columns: [
        passRateColumn,
        ...(withScore
          ? [scoreColumn('score', "Mean score: the weighted share of a row's assertions that passed, over the cell's answers", (c) => c.assertions?.score)]
          : []),
      ],
    });
  }
  const names = [...new Set(cells.flatMap((cell) => Object.keys(cell.assertions?.metrics ?? {})))].sort();
  if (names.length > 0) {
    groups.push({
      set: 'checks',
      label: 'Metrics (score)',
      columns: names
        .slice(0, METRIC_COLUMNS)
        .map((name) => scoreColumn(name, `Metric ${name}: mean score of its assertions`, (c) => c.assertions?.metrics?.[name]?.score)),
    });
  }
  if (cells.some((cell) => cell.goodput !== undefined)) {
    groups.push({
      set: 'checks',
      label: 'Goodput (--slo)',
      columns: [
        perSecondColumn('good/s', 'Goodput: ok requests within every --slo bound, per second of the cell window', (c) => c.goodput?.perSec, 2),
        rateColumn('met', 'Share of the concluded requests that met every --slo bound', (c) => c.goodput?.attainment ?? undefined, 'higher'),
      ],
    });
  }
  return groups;
}

const passRateColumn: CellColumn = {
  header: 'pass rate',
  title: 'Assertion pass rate: passed / (passed + failed + errored)',
  html: passRateHtml,
  numeric: true,
  sortValue: passRate,
  best: { better: 'higher', value: passRate },
};

/** CNY per 1,000 ok requests, every row with the same decimals (no `¥0.00` beside `¥13.340`). */
const cost1kColumn = (decimals: number): CellColumn => ({
  header: '¥ / 1k req',
  title: 'CNY per 1,000 ok requests',
  html: (cell) => cnyHtml(costPer1kRequests(cell), decimals),
  numeric: true,
  sortValue: costPer1kRequests,
  best: { better: 'lower', value: costPer1kRequests },
});

export function columnGroups(summary: RunSummary): ColumnGroup[] {
  const cells = summary.cells;
  const withCost = cells.some((cell) => cell.cost !== undefined);
  const per1k = cost1kColumn(costDecimals(cells.map(costPer1kRequests)));
  const cnyDecimals = costDecimals(cells.map((cell) => cell.cost?.cny));
  const withChecks = cells.some((cell) => cell.assertions !== undefined);
  // Reranker cells' documents per second, only when some cell has them.
  const withDocuments = cells.some((cell) => cell.throughput.documentsPerSec !== undefined);
  const withImages = cells.some((cell) => cell.throughput.imagesPerSec !== undefined);
  // Reasoning models' time to first reasoning token and reasoning tokens, only when some cell has them.
  const withReasoning = cells.some(hasReasoning);
  // v1's flags, each only when some cell has one.
  const flags = [
    countColumn('unsafe', (c) => c.flags?.needClearHistory ?? 0, 'Flags: answers with need_clear_history (judged unsafe)'),
    countColumn('truncated', (c) => c.flags?.truncated ?? 0, 'Flags: answers with is_truncated'),
  ].filter((column) => cells.some((cell) => (Number(column.sortValue(cell)) || 0) > 0));
  const pct = ['p50', 'p90', 'p99'] as const;
  const groups: Array<ColumnGroup | false> = [
    {
      set: 'overview',
      label: 'Requests',
      columns: [
        countColumn('ok', (c) => c.outcomes.ok, 'ok requests'),
        rateColumn('error', 'Error rate: (failed + timeout) ÷ (ok + failed + throttled + timeout)', errorRate, 'lower'),
      ],
    },
    { set: 'overview', label: 'Latency (ms)', columns: [msColumn('Latency', (c) => c.latencyMs, 'p50'), msColumn('Latency', (c) => c.latencyMs, 'p95')] },
    { set: 'overview', label: 'TTFT (ms)', columns: [msColumn('TTFT', (c) => c.ttftMs, 'p50'), msColumn('TTFT', (c) => c.ttftMs, 'p95')] },
    { set: 'overview', label: 'Throughput', columns: [perSecondColumn('out tok/s', 'Output tokens per second of the cell window', outputRate, 1)] },
    withCost && { set: 'overview', label: 'Cost', columns: [per1k] },
    withChecks && { set: 'overview', label: 'Assertions', columns: [passRateColumn] },

    { set: 'latency', label: 'Latency (ms)', columns: pct.map((key) => msColumn('Latency', (c) => c.latencyMs, key)) },
    { set: 'latency', label: 'TTFT (ms)', columns: pct.map((key) => msColumn('TTFT', (c) => c.ttftMs, key)) },
    withReasoning && {
      set: 'latency',
      label: 'First reasoning token (ms)',
      columns: pct.map((key) => msColumn('First reasoning token', (c) => c.ttfrtMs, key)),
    },
    { set: 'latency', label: 'TPOT (ms)', columns: pct.map((key) => msColumn('TPOT', (c) => c.tpotMs, key)) },

    {
      set: 'tokens',
      label: 'Tokens (ok requests)',
      columns: [
        countColumn('prompt', (c) => c.tokens.prompt),
        countColumn('completion', (c) => c.tokens.completion),
        ...(withReasoning ? [countColumn('reasoning', (c) => c.tokens.reasoning)] : []),
        countColumn('total', (c) => c.tokens.total),
      ],
    },
    {
      set: 'tokens',
      label: 'Throughput',
      columns: [
        perSecondColumn('req/s', 'ok requests per second of the cell window', (c) => c.throughput.requestsPerSec, 2),
        perSecondColumn('out tok/s', 'Output tokens per second of the cell window', outputRate, 1),
        ...(withDocuments ? [perSecondColumn('docs/s', 'Reranked documents per second', (c) => c.throughput.documentsPerSec, 1)] : []),
        ...(withImages ? [perSecondColumn('img/s', 'Images per second', (c) => c.throughput.imagesPerSec, 2)] : []),
      ],
    },
    withCost && {
      set: 'tokens',
      label: 'Cost',
      columns: [
        {
          header: 'CNY',
          title: 'What the cell cost, CNY',
          html: (c) => cnyHtml(c.cost?.cny, cnyDecimals),
          numeric: true,
          sortValue: (c) => c.cost?.cny,
          best: { better: 'lower', value: (c) => c.cost?.cny },
        },
        per1k,
      ],
    },

    {
      set: 'outcomes',
      label: 'Outcomes',
      columns: [countColumn('planned', (c) => c.planned, 'Requests planned'), ...OUTCOMES.map((o) => countColumn(o, (c) => c.outcomes[o]))],
    },
    {
      set: 'outcomes',
      label: 'Rates',
      columns: [
        rateColumn('error', 'Error rate: (failed + timeout) ÷ (ok + failed + throttled + timeout)', errorRate, 'lower'),
        rateColumn('throttled', 'Throttled ÷ (ok + failed + throttled + timeout)', throttledRate, 'lower'),
      ],
    },
    flags.length > 0 && { set: 'outcomes', label: 'Flags', columns: flags },
    withChecks && { set: 'outcomes', label: 'Assertions', columns: [passRateColumn] },
    ...checkGroups(cells),
  ];
  return groups.filter((group): group is ColumnGroup => group !== false);
}
