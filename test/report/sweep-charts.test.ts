import { describe, expect, it } from 'vitest';
import type { CellSummary, RunSummary } from '../../src/metrics/types.js';
import { planRunCharts, renderRunCharts } from '../../src/report/charts/run-charts.js';
import { stageRateData } from '../../src/report/charts/stage-rate-chart.js';
import { sweepChartSpec } from '../../src/report/charts/sweep-chart.js';
import { findKnee, KNEE_DEFINITION, kneeSentences, sweepSeries, wantsLogScale } from '../../src/report/charts/sweep-data.js';
import { renderLoadSection } from '../../src/report/html-load.js';
import { dist, makeCell, makeSummary } from './fixtures.js';

const point = (load: number, requestsPerSec: number, latencyP50: number) => ({ load, requestsPerSec, latencyP50 });

describe('the knee', () => {
  it('is the last load point before throughput stops paying for the load', () => {
    // Doubling the load doubles throughput up to c=4, then buys 5% more.
    expect(findKnee([point(1, 2, 100), point(2, 4, 100), point(4, 8, 105), point(8, 8.4, 190)])).toBe(2);
    // Throughput still grows but latency p50 jumps by 50% or more: the knee is before the jump.
    expect(findKnee([point(1, 2, 100), point(2, 3.9, 110), point(4, 7, 170)])).toBe(1);
    // Throughput that falls with more load: the knee is where it peaked.
    expect(findKnee([point(1, 6.3, 154), point(2, 11.7, 153), point(4, 9.4, 208), point(8, 7.6, 225)])).toBe(1);
    // A rate sweep in small steps: +10% load giving +9% throughput still pays.
    expect(findKnee([point(10, 10, 100), point(11, 10.9, 101), point(12, 11.8, 102)])).toBeUndefined();
    // Every step paid: the sweep never reached a knee.
    expect(findKnee([point(1, 1, 100), point(2, 2, 100), point(4, 4, 100)])).toBeUndefined();
    // Saturated from the first step.
    expect(findKnee([point(1, 5, 100), point(2, 5, 200)])).toBe(0);
    // From zero throughput to some is growth; latency missing leaves only the throughput test.
    expect(
      findKnee([
        { load: 1, requestsPerSec: 0 },
        { load: 2, requestsPerSec: 1 },
        { load: 4, requestsPerSec: 1 },
      ]),
    ).toBe(1);
  });

  it('is defined in words that name both thresholds', () => {
    expect(KNEE_DEFINITION).toContain('less than 50% of the relative load increase');
    expect(KNEE_DEFINITION).toContain('latency p50 rose by 50% or more');
  });
});

describe('log axis', () => {
  it('is chosen when positive values span more than 10x', () => {
    expect(wantsLogScale([1, 5, 10])).toBe(false);
    expect(wantsLogScale([1, 5, 10.5])).toBe(true);
    expect(wantsLogScale([0, 1, 500])).toBe(false); // a zero has no place on a log axis
    expect(wantsLogScale([42])).toBe(false);
    expect(wantsLogScale([])).toBe(false);
  });
});

function sweepCell(value: number, requestsPerSec: number, latencyMs: number, extra: Partial<CellSummary> = {}): CellSummary {
  return makeCell({
    id: `c${value}`,
    label: `ernie-speed-8k @c=${value}`,
    load: { kind: 'concurrency', value },
    throughput: { requestsPerSec, outputTokensPerSec: requestsPerSec * 60 },
    latencyMs: dist(latencyMs),
    ttftMs: dist(latencyMs / 4),
    outcomes: { ok: 10, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
    errors: {},
    ...extra,
  });
}

function sweepSummary(): RunSummary {
  const cells = [sweepCell(1, 2, 100), sweepCell(2, 4, 100), sweepCell(4, 8, 100), sweepCell(8, 8.2, 200)];
  const base = makeSummary({ cells });
  return {
    ...base,
    stages: cells.map((cell) => ({
      load: cell.load!,
      planned: 10,
      started: 10,
      completed: 10,
      windowMs: 1000,
      dispatchedRatePerSec: cell.throughput.requestsPerSec,
      completedRatePerSec: cell.throughput.requestsPerSec,
    })),
  };
}

describe('sweep charts', () => {
  it('plots throughput against latency and TTFT with the knee marked, and says where the knee is', async () => {
    const summary = sweepSummary();
    const series = sweepSeries(summary.cells);
    expect(series).toHaveLength(1);
    expect(series[0]!.knee).toBe(2);
    expect(kneeSentences(series)).toEqual(['ernie-speed-8k temperature=0.3: knee at c=4 (8.00 req/s, latency p50 100 ms); at c=8 it gave 8.20 req/s.']);
    const charts = planRunCharts(summary);
    const ids = charts.map((chart) => chart.id);
    expect(ids).toEqual(expect.arrayContaining(['sweep-latency', 'sweep-ttft', 'stage-rates', 'load-concurrency']));
    expect(charts.find((c) => c.id === 'sweep-latency')!.noteHtml).toContain('knee at c=4');
    const spec = JSON.stringify(sweepChartSpec(series, 'latency'));
    expect(spec).toContain('"kneeText":"knee c=4"');
    expect(spec).toContain('completed requests/s');
    const rendered = await renderRunCharts(summary);
    const svg = rendered.find((c) => c.id === 'sweep-latency')!.svg;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('knee c=4');
    // The load section says it in words too.
    expect(renderLoadSection(summary)).toContain('knee at c=4');
  });

  it('uses a log axis when latency spans more than 10x', () => {
    const cells = [sweepCell(1, 1, 100), sweepCell(2, 2, 150), sweepCell(4, 2.1, 5000)];
    const spec = JSON.stringify(sweepChartSpec(sweepSeries(cells), 'latency'));
    expect(spec).toContain('"title":"latency (ms) (log)"');
    expect(spec).toContain('"type":"log"');
    expect(JSON.stringify(sweepChartSpec(sweepSeries([sweepCell(1, 1, 100), sweepCell(2, 2, 150)]), 'latency'))).not.toContain('"type":"log"');
  });

  it('draws offered against completed rate and goodput per stage, with the highest load that met the SLO', () => {
    const summary = sweepSummary();
    const open: RunSummary = {
      ...summary,
      stages: summary.stages!.map((stage) => ({ ...stage, load: { kind: 'rate', value: stage.load.value }, offeredRatePerSec: stage.load.value })),
      cells: summary.cells.map((cell) => ({ ...cell, load: { kind: 'rate', value: cell.load!.value }, goodput: { met: 5, perSec: 5, attainment: 0.5 } })),
      slo: { text: 'ttft<800ms', attainmentTarget: 0.95, stages: [], highestMeeting: { kind: 'rate', value: 2 } },
    };
    const data = stageRateData(open)!;
    expect(data.kind).toBe('rate');
    expect(data.highestMeeting).toBe(2);
    expect(data.points.filter((p) => p.load === 4).map((p) => [p.series, p.perSec])).toEqual([
      ['offered', 4],
      ['completed', 8],
      ['goodput (met the SLO)', 5],
    ]);
    const chart = planRunCharts(open).find((c) => c.id === 'stage-rates')!;
    expect(chart.title).toMatch(/^Offered against achieved rate per stage/);
    expect(JSON.stringify(chart.spec)).toContain('SLO met up to 2 req/s');
    // A single stage is no sweep.
    expect(stageRateData({ ...summary, stages: summary.stages!.slice(0, 1) })).toBeUndefined();
  });
});

describe('charts with no data', () => {
  it('say so in words instead of drawing empty axes', async () => {
    const quiet = makeCell({ outcomes: { ok: 10, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 }, errors: {} });
    const charts = planRunCharts(makeSummary({ cells: [quiet] }));
    const errors = charts.find((c) => c.id === 'error-rate')!;
    expect(errors.spec).toBeUndefined();
    expect(errors.emptyText).toBe('No errors and no throttled requests in this run.');
    const rendered = await renderRunCharts(makeSummary({ cells: [quiet] }));
    expect(rendered.find((c) => c.id === 'error-rate')!.svg).toBe('<p class="note chart-empty">No errors and no throttled requests in this run.</p>');
  });

  it('covers every kind: no ok request, no streaming, no cost', () => {
    const none = makeCell({
      outcomes: { ok: 0, failed: 10, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
      latencyMs: dist(0, 1, 0),
      ttftMs: dist(0, 1, 0),
      tokens: { prompt: 0, completion: 0, total: 0 },
      throughput: { requestsPerSec: 0, outputTokensPerSec: 0 },
      cost: { cny: null, inputCny: null, outputCny: null, price: null, estimatedTokenRequests: 0, simulated: false },
    });
    const summary = makeSummary({ cells: [none] });
    const text = Object.fromEntries(planRunCharts(summary).map((c) => [c.id, c.emptyText]));
    expect(text).toMatchObject({
      'latency-cdf': 'No ok request in this run: there is no latency to draw.',
      'ttft-cdf': 'No ok streamed request in this run: there is no time to first token to draw.',
      throughput: 'No request completed ok: throughput is 0 in every cell.',
      tokens: 'No tokens counted: no request completed ok.',
      cost: 'Cost unknown for every cell (no price for their models): nothing to draw.',
    });
    expect(text['error-rate']).toBeUndefined(); // every request failed: that chart has bars
    const batch = { ...summary, run: { ...summary.run, stream: false } };
    expect(planRunCharts(batch).find((c) => c.id === 'ttft-cdf')!.emptyText).toBe('The run did not stream (--no-stream), so no first token was timed.');
  });

  it('labels a merged or resumed run in every chart title', () => {
    const summary = makeSummary();
    const resumed: RunSummary = {
      ...summary,
      run: {
        ...summary.run,
        sessions: [
          { startedAt: '2025-01-02T03:04:05.000Z', endedAt: '2025-01-02T03:04:35.000Z', requests: 5 },
          { startedAt: '2025-01-02T04:00:00.000Z', endedAt: '2025-01-02T04:00:30.000Z', requests: 5 },
        ],
      } as RunSummary['run'],
    };
    for (const chart of planRunCharts(resumed)) expect(chart.title).toContain('[resumed 2 sessions]');
    for (const chart of planRunCharts(summary)) expect(chart.title).not.toContain('[');
  });
});
