/**
 * Threshold expressions, k6-style, over a cell's summary figures:
 *
 *   [SELECTOR:]METRIC OPERATOR LIMIT
 *
 *   METRIC    SERIES.STAT     latency, latency_sched, ttft, ttft_sched, tpot, queue_wait, inter_chunk
 *                             with p50, p90, p95, p99, p99.9 (or p999), mean, min, max; milliseconds,
 *                             a LIMIT may end in `ms` or `s`
 *             error_rate, throttled_rate, pass_rate   fractions; a LIMIT may end in `%`
 *             cost_cny                                yuan
 *   OPERATOR  <  <=  >  >=
 *   SELECTOR  key=value[,key=value…]: only the cells that match every pair; a key is `model`
 *             (the model or endpoint name, case-insensitive) or a parameter of the -p grid
 *             (`temperature=0.3`)
 *
 * Examples: `ttft.p95<800`, `latency.p99 < 5s`, `error_rate<1%`, `pass_rate>=0.95`,
 * `model=ernie-speed-8k:ttft.p95<800`. Without a selector every cell must meet the threshold.
 * Parsing is strict: anything else is a configuration error that says what was expected.
 */

export const DISTRIBUTION_SERIES = ['latency', 'latency_sched', 'ttft', 'ttft_sched', 'tpot', 'queue_wait', 'inter_chunk'] as const;
export type DistributionSeries = (typeof DISTRIBUTION_SERIES)[number];

export const DISTRIBUTION_STATS = ['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'min', 'max'] as const;
export type DistributionStat = (typeof DISTRIBUTION_STATS)[number];

export const RATE_METRICS = ['error_rate', 'throttled_rate', 'pass_rate'] as const;
export type RateMetric = (typeof RATE_METRICS)[number];

export type ThresholdMetric =
  { kind: 'distribution'; series: DistributionSeries; stat: DistributionStat } | { kind: 'rate'; name: RateMetric } | { kind: 'cost' };

export type ThresholdOperator = '<' | '<=' | '>' | '>=';

export interface CellSelector {
  key: string;
  value: string;
}

export interface Threshold {
  /** The expression as given, for messages. */
  text: string;
  selectors: CellSelector[];
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  /** In the metric's unit: milliseconds, a fraction, or yuan. */
  limit: number;
}

export type ParsedThreshold = { ok: true; threshold: Threshold } | { ok: false; message: string };

const SHAPE = /^(?:(?<selectors>[^:<>]*):)?\s*(?<metric>[A-Za-z_][A-Za-z0-9_.]*)\s*(?<operator><=|>=|<|>)\s*(?<limit>\S.*?)\s*$/;
const NUMBER = /^(?<value>\d+(?:\.\d+)?)(?<unit>ms|s|%)?$/;
const EXAMPLES = 'e.g. ttft.p95<800, error_rate<0.01, pass_rate>=95%, model=ernie-speed-8k:latency.p99<5s';

export function metricName(metric: ThresholdMetric): string {
  if (metric.kind === 'distribution') return `${metric.series}.${metric.stat}`;
  return metric.kind === 'rate' ? metric.name : 'cost_cny';
}

export function parseThreshold(text: string): ParsedThreshold {
  const fail = (why: string): ParsedThreshold => ({ ok: false, message: `${JSON.stringify(text)}: ${why}` });
  const match = SHAPE.exec(text.trim());
  const groups = match?.groups;
  if (groups === undefined) return fail(`expected [SELECTOR:]METRIC OPERATOR NUMBER with one of <, <=, >, >= (${EXAMPLES})`);

  const metric = parseMetric(groups['metric'] as string);
  if (typeof metric === 'string') return fail(metric);

  const limit = parseLimit(groups['limit'] as string, metric);
  if (typeof limit === 'string') return fail(limit);

  const selectors: CellSelector[] = [];
  const selectorText = groups['selectors'];
  if (selectorText !== undefined) {
    for (const piece of selectorText.split(',')) {
      const pair = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(\S(?:.*\S)?)\s*$/.exec(piece);
      if (pair === null) return fail(`selector ${JSON.stringify(piece.trim())} is not key=value (e.g. model=ernie-speed-8k or temperature=0.3)`);
      selectors.push({ key: pair[1] as string, value: pair[2] as string });
    }
  }
  return { ok: true, threshold: { text: text.trim(), selectors, metric, operator: groups['operator'] as ThresholdOperator, limit } };
}

function parseMetric(name: string): ThresholdMetric | string {
  if ((RATE_METRICS as readonly string[]).includes(name)) return { kind: 'rate', name: name as RateMetric };
  if (name === 'cost_cny') return { kind: 'cost' };
  const dot = name.indexOf('.');
  const series = dot === -1 ? name : name.slice(0, dot);
  const stat = dot === -1 ? '' : name.slice(dot + 1).replace(/^p99\.9$/, 'p999');
  const known =
    `metrics are SERIES.STAT (series ${DISTRIBUTION_SERIES.join(', ')}; stats ${DISTRIBUTION_STATS.join(', ')}), ` + `${RATE_METRICS.join(', ')} or cost_cny`;
  if (!(DISTRIBUTION_SERIES as readonly string[]).includes(series)) return `unknown metric ${JSON.stringify(name)}; ${known}`;
  if (!(DISTRIBUTION_STATS as readonly string[]).includes(stat)) {
    return `${series} needs a statistic, one of ${DISTRIBUTION_STATS.join(', ')} (e.g. ${series}.p95)`;
  }
  return { kind: 'distribution', series: series as DistributionSeries, stat: stat as DistributionStat };
}

function parseLimit(raw: string, metric: ThresholdMetric): number | string {
  const match = NUMBER.exec(raw);
  if (match?.groups === undefined) return `limit ${JSON.stringify(raw)} is not a number (a non-negative number such as 800, 2.5s or 1%)`;
  const value = Number(match.groups['value']);
  const unit = match.groups['unit'];
  switch (metric.kind) {
    case 'distribution':
      if (unit === '%') return `${metricName(metric)} is in milliseconds; write ${value} or ${value}ms, not a percentage`;
      return unit === 's' ? value * 1000 : value;
    case 'rate':
      if (unit === 'ms' || unit === 's') return `${metric.name} is a fraction; write 0.05 or 5%, not a time`;
      if (unit === '%') return value > 100 ? `${raw} is over 100%` : value / 100;
      if (value > 1) return `${metric.name} is a fraction between 0 and 1${value <= 100 ? `; did you mean ${raw}%?` : ' (or a percentage such as 95%)'}`;
      return value;
    case 'cost':
      if (unit !== undefined) return `cost_cny is in yuan; write a plain number such as 2 or 0.5`;
      return value;
  }
}

/** True when `actual` meets the threshold. */
export function meets(threshold: Pick<Threshold, 'operator' | 'limit'>, actual: number): boolean {
  switch (threshold.operator) {
    case '<':
      return actual < threshold.limit;
    case '<=':
      return actual <= threshold.limit;
    case '>':
      return actual > threshold.limit;
    case '>=':
      return actual >= threshold.limit;
  }
}
