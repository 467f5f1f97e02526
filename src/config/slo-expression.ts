/**
 * A service-level objective, `--slo ttft<800ms,latency<5s,error_rate<1%`: a comma list of upper bounds.
 *
 *   per request   ttft, ttft_sched, latency, latency_sched, tpot    milliseconds; a LIMIT may end in `ms` or `s`
 *   per run       error_rate, throttled_rate                        fractions; a LIMIT may end in `%`
 *   OPERATOR      <  <=
 *
 * A request meets the SLO when it is ok and under every per-request bound; a stage or cell meets it
 * when enough of its requests do (the attainment target) and every rate bound holds. Names and
 * units are those of the threshold expressions (./threshold-expression.ts), without a statistic:
 * an SLO bounds each request, not a percentile.
 */
import type { DistributionSeries } from './threshold-expression.js';

export const SLO_REQUEST_METRICS = ['ttft', 'ttft_sched', 'latency', 'latency_sched', 'tpot'] as const satisfies readonly DistributionSeries[];
export type SloRequestMetric = (typeof SLO_REQUEST_METRICS)[number];

export const SLO_RATE_METRICS = ['error_rate', 'throttled_rate'] as const;
export type SloRateMetric = (typeof SLO_RATE_METRICS)[number];

export type SloOperator = '<' | '<=';

export interface SloRequestBound {
  metric: SloRequestMetric;
  operator: SloOperator;
  /** Milliseconds. */
  limitMs: number;
}

export interface SloRateBound {
  metric: SloRateMetric;
  operator: SloOperator;
  /** A fraction in [0, 1]. */
  limit: number;
}

export interface Slo {
  /** The bounds as given, normalised (`ttft<800ms,error_rate<1%`), for messages and reports. */
  text: string;
  requestBounds: SloRequestBound[];
  rateBounds: SloRateBound[];
}

export type ParsedSlo = { ok: true; slo: Slo } | { ok: false; message: string };

const BOUND = /^(?<metric>[A-Za-z_]+)\s*(?<operator><=|<)\s*(?<value>\d+(?:\.\d+)?)\s*(?<unit>ms|s|%)?$/;

/** The one line every refusal ends with: what may be written. */
export const SLO_ALLOWED =
  `a comma list of bounds METRIC<LIMIT (or <=): ${SLO_REQUEST_METRICS.join(', ')} in ms or s; ` +
  `${SLO_RATE_METRICS.join(', ')} as a fraction or %; e.g. ttft<800ms,latency<5s,error_rate<1%`;

export function parseSlo(text: string): ParsedSlo {
  const pieces = text.split(',').map((piece) => piece.trim());
  if (pieces.every((piece) => piece === '')) return { ok: false, message: `empty SLO; expected ${SLO_ALLOWED}` };
  const requestBounds: SloRequestBound[] = [];
  const rateBounds: SloRateBound[] = [];
  const seen = new Set<string>();
  for (const piece of pieces) {
    const fail = (why: string): ParsedSlo => ({ ok: false, message: `${JSON.stringify(piece)}: ${why}; expected ${SLO_ALLOWED}` });
    const groups = BOUND.exec(piece)?.groups;
    if (groups === undefined) return fail(piece === '' ? 'an empty bound' : 'not METRIC<LIMIT (an SLO is an upper bound: < or <=)');
    const metric = groups['metric'] as string;
    const operator = groups['operator'] as SloOperator;
    const value = Number(groups['value']);
    const unit = groups['unit'];
    if (seen.has(metric)) return fail(`${metric} is bounded twice`);
    seen.add(metric);
    if ((SLO_REQUEST_METRICS as readonly string[]).includes(metric)) {
      if (unit === '%') return fail(`${metric} is a time; write ${value}ms or ${value}s`);
      requestBounds.push({ metric: metric as SloRequestMetric, operator, limitMs: unit === 's' ? value * 1000 : value });
    } else if ((SLO_RATE_METRICS as readonly string[]).includes(metric)) {
      if (unit === 'ms' || unit === 's') return fail(`${metric} is a fraction; write 0.01 or 1%`);
      const limit = unit === '%' ? value / 100 : value;
      if (limit > 1) return fail(`${metric} is at most 1 (100%)`);
      rateBounds.push({ metric: metric as SloRateMetric, operator, limit });
    } else {
      return fail(`unknown metric ${JSON.stringify(metric)}`);
    }
  }
  return { ok: true, slo: { text: sloText(requestBounds, rateBounds), requestBounds, rateBounds } };
}

/** The SLO of a run configuration (already checked by the schema, so a failure here is a bug). */
export function sloOf(text: string): Slo {
  const parsed = parseSlo(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.slo;
}

function sloText(requestBounds: readonly SloRequestBound[], rateBounds: readonly SloRateBound[]): string {
  const times = requestBounds.map((bound) => `${bound.metric}${bound.operator}${bound.limitMs}ms`);
  const rates = rateBounds.map((bound) => `${bound.metric}${bound.operator}${round(bound.limit * 100)}%`);
  return [...times, ...rates].join(',');
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** True when `value` is within the bound. */
export function withinBound(bound: { operator: SloOperator }, value: number, limit: number): boolean {
  return bound.operator === '<' ? value < limit : value <= limit;
}
