/**
 * The deltas of one matched cell, each with its interval, test and verdict (see compare-runs.ts for
 * the methods).
 */
import { cellRates, isFiniteNumber } from '../metrics/cell-figures.js';
import type { CellSummary } from '../metrics/types.js';
import { hashString, seededRandom, type Random } from '../util/random.js';
import { formatInterval, formatRelative } from './format.js';
import { comparisonLabel, cellRef, type CellPair } from './match.js';
import { comparePassRate } from './pass-rate.js';
import type { CellSamples } from './samples.js';
import {
  bootstrapDifference,
  bootstrapMeanDifference,
  bootstrapQuantileDifferences,
  judge,
  mannWhitneyU,
  mean,
  quantileSorted,
  relativeChange,
  resampleMean,
  twoProportionTest,
  type Interval,
  type RankTestResult,
  type Verdict,
} from './stats.js';
import type { CellComparison, MetricDelta, MetricUnit, ResolvedCompareOptions } from './types.js';

interface Context {
  options: ResolvedCompareOptions;
  random: (metric: string) => Random;
}

function statement(
  verdict: Verdict,
  interval: Interval | null,
  relative: number | null,
  unit: MetricUnit,
  options: ResolvedCompareOptions,
  reason?: string,
): string {
  const level = `${Math.round(options.confidence * 100)}%`;
  const tolerance = `±${(options.tolerance * 100).toFixed(0)}%`;
  if (verdict === 'insufficient data') return reason ?? 'not enough data on one side for an interval';
  if (verdict === 'not tested') return reason ?? 'no test';
  if (interval === null || relative === null) return reason ?? '';
  const ci = `${level} CI of Δ ${formatInterval(unit, interval)}`;
  const excludes = interval.low > 0 || interval.high < 0;
  if (!excludes) return `${ci} includes 0`;
  if (verdict === 'no significant change') return `${ci} excludes 0, but ${formatRelative(relative)} is within ${tolerance}`;
  return `${ci} excludes 0 and ${formatRelative(relative)} is beyond ${tolerance}`;
}

function makeDelta(
  fields: Omit<MetricDelta, 'relative' | 'verdict' | 'confidenceStatement' | 'delta'> & { delta?: number | null },
  ctx: Context,
  forced?: { verdict: Verdict; reason: string },
): MetricDelta {
  const delta = fields.delta !== undefined ? fields.delta : fields.base !== null && fields.candidate !== null ? fields.candidate - fields.base : null;
  const relative = relativeChange(fields.base, delta);
  const verdict = forced?.verdict ?? judge(fields.direction, fields.interval, relative, ctx.options.tolerance);
  return {
    ...fields,
    delta,
    relative,
    verdict,
    confidenceStatement: statement(verdict, fields.interval, relative, fields.unit, ctx.options, forced?.reason),
  };
}

const PERCENTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

function timingDeltas(
  name: 'latency' | 'ttft',
  base: CellSamples,
  candidate: CellSamples,
  ctx: Context,
): { deltas: MetricDelta[]; rankTest: RankTestResult | null } {
  const b = base.series[name].sorted();
  const c = candidate.series[name].sorted();
  const samples = { base: base.series[name].seen, candidate: candidate.series[name].seen };
  const rankTest = mannWhitneyU(b, c) ?? null;
  const title = name === 'ttft' ? 'TTFT' : 'latency';
  if (b.length < ctx.options.minSamples || c.length < ctx.options.minSamples) {
    const reason = `fewer than ${ctx.options.minSamples} ok requests with a ${title} on one side (${samples.base} vs ${samples.candidate})`;
    return {
      rankTest,
      deltas: PERCENTILES.map(([p, q]) =>
        makeDelta(
          {
            metric: `${name}.${p}`,
            label: `${title} ${p}`,
            unit: 'ms',
            direction: 'lower-is-better',
            base: b.length > 0 ? quantileSorted(b, q) : null,
            candidate: c.length > 0 ? quantileSorted(c, q) : null,
            interval: null,
            pValue: rankTest?.pValue ?? null,
            method: 'bootstrap',
            samples,
          },
          ctx,
          { verdict: 'insufficient data', reason },
        ),
      ),
    };
  }
  const estimates = bootstrapQuantileDifferences(
    b,
    c,
    PERCENTILES.map(([, q]) => q),
    { resamples: ctx.options.resamples, confidence: ctx.options.confidence, random: ctx.random(name) },
  );
  return {
    rankTest,
    deltas: PERCENTILES.map(([p], i) => {
      const e = estimates[i]!;
      return makeDelta(
        {
          metric: `${name}.${p}`,
          label: `${title} ${p}`,
          unit: 'ms',
          direction: 'lower-is-better',
          base: e.base,
          candidate: e.candidate,
          delta: e.estimate,
          interval: e.interval,
          pValue: rankTest?.pValue ?? null,
          method: `percentile bootstrap, ${ctx.options.resamples} resamples; p: Mann-Whitney U`,
          samples,
        },
        ctx,
      );
    }),
  };
}

function rateDeltas(base: CellSummary, candidate: CellSummary, ctx: Context): MetricDelta[] {
  const rb = cellRates(base);
  const rc = cellRates(candidate);
  const kinds = [
    ['errorRate', 'error rate', rb.errors, rc.errors],
    ['throttledRate', 'throttle rate', base.outcomes?.throttled ?? 0, candidate.outcomes?.throttled ?? 0],
  ] as const;
  return kinds.map(([metric, label, hitsBase, hitsCandidate]) => {
    const test = twoProportionTest(hitsBase, rb.concluded, hitsCandidate, rc.concluded, ctx.options.confidence);
    const fields = {
      metric,
      label,
      unit: 'rate' as const,
      direction: 'lower-is-better' as const,
      base: test?.base ?? null,
      candidate: test?.candidate ?? null,
      interval: test?.interval ?? null,
      pValue: test?.pValue ?? null,
      method: 'Newcombe hybrid score interval; p: two-proportion z-test',
      samples: { base: rb.concluded, candidate: rc.concluded },
    };
    return test === undefined ? makeDelta(fields, ctx, { verdict: 'insufficient data', reason: 'no concluded requests on one side' }) : makeDelta(fields, ctx);
  });
}

/** Gaps between consecutive ok completions of a cell's sample. */
function completionGaps(samples: CellSamples): Float64Array {
  const times = samples.series.completedAt.sorted();
  const gaps = new Float64Array(Math.max(0, times.length - 1));
  for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i]! - times[i - 1]!;
  return gaps;
}

function throughputDeltas(base: CellSummary, candidate: CellSummary, sb: CellSamples, sc: CellSamples, ctx: Context): MetricDelta[] {
  const gapsBase = completionGaps(sb);
  const gapsCandidate = completionGaps(sc);
  const tokensBase = sb.series.completionTokens.sorted();
  const tokensCandidate = sc.series.completionTokens.sorted();
  const random = ctx.random('throughput');
  const kinds = [
    ['requestsPerSec', 'requests/s', base.throughput?.requestsPerSec, candidate.throughput?.requestsPerSec, false],
    ['outputTokensPerSec', 'output tokens/s', base.throughput?.outputTokensPerSec, candidate.throughput?.outputTokensPerSec, true],
  ] as const;
  return kinds.map(([metric, label, vb, vc, withTokens]) => {
    const fields = {
      metric,
      label,
      unit: 'per-second' as const,
      direction: 'higher-is-better' as const,
      base: isFiniteNumber(vb) ? vb : null,
      candidate: isFiniteNumber(vc) ? vc : null,
      pValue: null,
      method: 'bootstrap of the gaps between ok completions (indicative: cells of a run share the server)',
      samples: { base: gapsBase.length, candidate: gapsCandidate.length },
    };
    const tooFew = gapsBase.length < 2 || gapsCandidate.length < 2 || (withTokens && (tokensBase.length === 0 || tokensCandidate.length === 0));
    if (fields.base === null || fields.candidate === null || tooFew) {
      return makeDelta({ ...fields, interval: null }, ctx, {
        verdict: 'insufficient data',
        reason: 'too few ok completions with timestamps on one side for an interval',
      });
    }
    // A resample's rate is the observed rate scaled by (observed mean gap / resampled mean gap).
    const drawer = (rate: number, gaps: Float64Array, tokens: Float64Array) => {
      const gapMean = mean(gaps);
      const tokenMean = mean(tokens);
      return () => {
        const gapScale = gapMean / resampleMean(gaps, random);
        return withTokens && tokenMean > 0 ? rate * gapScale * (resampleMean(tokens, random) / tokenMean) : rate * gapScale;
      };
    };
    const estimate = bootstrapDifference(
      fields.base,
      fields.candidate,
      drawer(fields.base, gapsBase, tokensBase),
      drawer(fields.candidate, gapsCandidate, tokensCandidate),
      {
        resamples: ctx.options.resamples,
        confidence: ctx.options.confidence,
      },
    );
    return makeDelta({ ...fields, interval: estimate.interval }, ctx);
  });
}

function tokenDeltas(sb: CellSamples, sc: CellSamples, ctx: Context): MetricDelta[] {
  return (
    [
      ['promptTokens', 'prompt tokens per ok request'],
      ['completionTokens', 'completion tokens per ok request'],
    ] as const
  ).map(([series, label]) => {
    const b = sb.series[series].sorted();
    const c = sc.series[series].sorted();
    const fields = {
      metric: `${series}.mean`,
      label,
      unit: 'tokens' as const,
      direction: 'neutral' as const,
      base: b.length > 0 ? mean(b) : null,
      candidate: c.length > 0 ? mean(c) : null,
      method: `bootstrap of the difference of means, ${ctx.options.resamples} resamples; p: Mann-Whitney U`,
      samples: { base: sb.series[series].seen, candidate: sc.series[series].seen },
    };
    if (b.length < ctx.options.minSamples || c.length < ctx.options.minSamples) {
      return makeDelta({ ...fields, interval: null, pValue: null }, ctx, {
        verdict: 'insufficient data',
        reason: `fewer than ${ctx.options.minSamples} ok requests with token counts on one side`,
      });
    }
    const estimate = bootstrapMeanDifference(b, c, { resamples: ctx.options.resamples, confidence: ctx.options.confidence, random: ctx.random(series) });
    return makeDelta({ ...fields, interval: estimate.interval, pValue: mannWhitneyU(b, c)?.pValue ?? null }, ctx);
  });
}

function costDelta(base: CellSummary, candidate: CellSummary, ctx: Context): MetricDelta | undefined {
  const cb = base.cost;
  const cc = candidate.cost;
  if (cb === undefined || cc === undefined) return undefined;
  const known = cb.cny !== null && cc.cny !== null;
  return makeDelta(
    {
      metric: 'cost.cny',
      label: 'cost (CNY)',
      unit: 'cny',
      direction: 'lower-is-better',
      base: cb.cny,
      candidate: cc.cny,
      interval: null,
      pValue: null,
      method: 'none: cost follows the token counts',
      samples: { base: 1, candidate: 1 },
    },
    ctx,
    known
      ? { verdict: 'not tested', reason: 'no test of its own: cost follows the token counts above' }
      : { verdict: 'insufficient data', reason: 'cost unknown on one side' },
  );
}

export function compareCell(pair: CellPair, sb: CellSamples, sc: CellSamples, options: ResolvedCompareOptions): CellComparison {
  const { key, base, candidate } = pair;
  const ctx: Context = {
    options,
    random: (metric) => seededRandom(hashString(`${options.seed}\u0000${key}\u0000bootstrap\u0000${metric}`)),
  };
  const latency = timingDeltas('latency', sb, sc, ctx);
  const ttft = timingDeltas('ttft', sb, sc, ctx);
  const cost = costDelta(base, candidate, ctx);
  const passRate = comparePassRate(base, candidate, sb.verdicts, sc.verdicts, options);
  return {
    key,
    label: comparisonLabel(pair),
    base: cellRef(base),
    candidate: cellRef(candidate),
    deltas: [
      ...latency.deltas,
      ...ttft.deltas,
      ...throughputDeltas(base, candidate, sb, sc, ctx),
      ...rateDeltas(base, candidate, ctx),
      ...(passRate !== undefined ? [passRate.delta] : []),
      ...tokenDeltas(sb, sc, ctx),
      ...(cost !== undefined ? [cost] : []),
    ],
    rankTests: { latency: latency.rankTest, ttft: ttft.rankTest },
    ...(passRate !== undefined ? { answers: passRate.answers } : {}),
  };
}
