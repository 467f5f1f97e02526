/**
 * Judging thresholds against a finished run's summary, cell by cell. A figure that does not exist
 * (no samples: ttft of a run that did not stream, a cell with no ok request, a replayed run, a
 * cost that could not be priced) fails with the reason; it never passes silently.
 */
import type { CellSummary, DistributionSummary, RunSummary } from '../../metrics/types.js';
import { cellRates, hasSamples, isFiniteNumber } from '../../metrics/cell-figures.js';
import { formatCny } from '../../util/format-cny.js';
import { meets, metricName, type CellSelector, type DistributionSeries, type Threshold, type ThresholdMetric } from '../../config/threshold-expression.js';

export interface ThresholdResult {
  threshold: Threshold;
  /** The cell judged; undefined when no cell matched the selector. */
  cell?: { id: string; label: string };
  pass: boolean;
  /** One sentence: the figure found and the limit, or why there is no figure. */
  reason: string;
}

const SERIES_FIELD: Record<DistributionSeries, keyof CellSummary> = {
  latency: 'latencyMs',
  latency_sched: 'latencySchedMs',
  ttft: 'ttftMs',
  ttft_sched: 'ttftSchedMs',
  tpot: 'tpotMs',
  queue_wait: 'queueWaitMs',
  inter_chunk: 'interChunkMs',
};

export function evaluateThresholds(thresholds: readonly Threshold[], summary: RunSummary): ThresholdResult[] {
  return thresholds.flatMap((threshold) => {
    const cells = summary.cells.filter((cell) => threshold.selectors.every((selector) => cellMatches(cell, selector)));
    if (cells.length === 0) {
      return [{ threshold, pass: false, reason: `no cell matches ${threshold.selectors.map((s) => `${s.key}=${s.value}`).join(',')}` }];
    }
    return cells.map((cell) => judgeCell(threshold, cell, summary));
  });
}

function judgeCell(threshold: Threshold, cell: CellSummary, summary: RunSummary): ThresholdResult {
  const ref = { id: cell.id, label: cell.label };
  const figure = metricValue(threshold.metric, cell, summary);
  const name = metricName(threshold.metric);
  if ('missing' in figure) return { threshold, cell: ref, pass: false, reason: `${name}: no samples: ${figure.missing}` };
  const pass = meets(threshold, figure.value);
  const limit = formatValue(threshold.metric, threshold.limit);
  return { threshold, cell: ref, pass, reason: `${name} = ${formatValue(threshold.metric, figure.value)} (limit ${threshold.operator} ${limit})` };
}

type Figure = { value: number } | { missing: string };

function metricValue(metric: ThresholdMetric, cell: CellSummary, summary: RunSummary): Figure {
  const replayed = summary.run.replayedFrom !== undefined;
  switch (metric.kind) {
    case 'distribution': {
      const dist = cell[SERIES_FIELD[metric.series]] as DistributionSummary | undefined;
      if (hasSamples(dist) && isFiniteNumber(dist[metric.stat])) return { value: dist[metric.stat] };
      return { missing: noTimingReason(metric.series, cell, summary) };
    }
    case 'rate': {
      if (metric.name === 'pass_rate') {
        const rate = cell.assertions?.passRate;
        if (isFiniteNumber(rate)) return { value: rate };
        return {
          missing: cell.assertions === undefined ? 'the run checked no assertions (the dataset has none)' : 'no assertion of this cell could be checked',
        };
      }
      const rates = cellRates(cell);
      const rate = metric.name === 'error_rate' ? rates.errorRate : rates.throttledRate;
      return isFiniteNumber(rate) ? { value: rate } : { missing: 'no request of this cell got an answer' };
    }
    case 'cost': {
      if (replayed) return { missing: 'replayed answers cost nothing and count toward no cost figure; check cost in a live run' };
      const cost = cell.cost;
      if (cost === undefined) return { missing: 'the run has no cost figures' };
      if (cost.cny === null) return { missing: `the cost is unknown (no price for ${cell.model})` };
      return { value: cost.cny };
    }
  }
}

function noTimingReason(series: DistributionSeries, cell: CellSummary, summary: RunSummary): string {
  if (summary.run.replayedFrom !== undefined) return 'the answers were replayed (--replay), which measures no timing; check timings in a live run';
  if ((cell.outcomes?.ok ?? 0) === 0) return 'the cell has no ok request (timings come from ok requests only)';
  const streamed = series === 'ttft' || series === 'ttft_sched' || series === 'tpot' || series === 'inter_chunk';
  if (streamed && !summary.run.stream) return `${series} is measured on streamed answers only and the run used --no-stream`;
  if (series === 'tpot' || series === 'inter_chunk') return `${series} needs answers that arrived in two or more text events`;
  return `no ${series} was measured`;
}

function formatValue(metric: ThresholdMetric, value: number): string {
  switch (metric.kind) {
    case 'distribution':
      return `${value.toFixed(1)} ms`;
    case 'rate':
      return `${(value * 100).toFixed(2)}%`;
    case 'cost':
      return `¥${formatCny(value)}`;
  }
}

/** Whether a cell matches one `key=value` of a selector: its model (or endpoint), or a parameter. */
export function cellMatches(cell: Pick<CellSummary, 'model' | 'endpoint' | 'params'>, selector: CellSelector): boolean {
  if (selector.key === 'model') {
    const wanted = selector.value.toLowerCase();
    return String(cell.model).toLowerCase() === wanted || String(cell.endpoint).toLowerCase() === wanted;
  }
  if (!Object.hasOwn(cell.params ?? {}, selector.key)) return false;
  return paramMatches(cell.params[selector.key], selector.value);
}

/** A parameter value against a selector's text: numbers compare as numbers, lists as `a|b`. */
export function paramMatches(value: unknown, text: string): boolean {
  if (typeof value === 'number') return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number(text) === value;
  if (Array.isArray(value)) return value.map(String).join('|') === text;
  return String(value) === text;
}
