import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMs } from '../../src/metrics/histogram.js';
import type { CellSummary } from '../../src/metrics/types.js';
import { costChartData } from '../../src/report/charts/cost-chart.js';
import { cellCdf } from '../../src/report/charts/distribution-data.js';
import { errorRateChartData } from '../../src/report/charts/error-rate-chart.js';
import { loadChartData } from '../../src/report/charts/load-chart.js';
import { planRunCharts } from '../../src/report/charts/run-charts.js';
import { cleanSvg, renderVegaLiteSvg } from '../../src/report/charts/vega-svg.js';
import { dist, emptyDist, makeCell, makeSummary } from './fixtures.js';

describe('chart data', () => {
  it('reads the CDF from the HdrHistogram, falling back to the summary percentiles', () => {
    const histogram = createHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMs(histogram, ms);
    const fromHistogram = cellCdf(makeCell({ histograms: { latency: encodeHistogram(histogram) } }), 'latency');
    expect(fromHistogram.source).toBe('histogram');
    const at = (p: number): number => fromHistogram.points.find((point) => point.percentile === p)!.ms;
    expect(at(50)).toBeCloseTo(500, -0.5);
    expect(at(99)).toBeCloseTo(990, -0.5);
    expect(at(100)).toBeCloseTo(1000, -0.5);

    const fromSummary = cellCdf(makeCell({ histograms: { latency: 'not base64 at all' } }), 'latency');
    expect(fromSummary.source).toBe('summary');
    expect(fromSummary.points.map((p) => p.ms)).toEqual([600, 1200, 1800, 2040, 2400, 2640, 3000]);
    expect(cellCdf(makeCell({ ttftMs: emptyDist(), histograms: {} }), 'ttft')).toEqual({ points: [], source: 'none' });
  });

  it('keeps unknown costs out of the bars and lists them', () => {
    const data = costChartData([
      makeCell({ label: 'priced', cost: { cny: 1.5 } } as Partial<CellSummary>),
      makeCell({ label: 'unpriced', cost: { cny: null } } as Partial<CellSummary>),
      makeCell({ label: 'no cost field' }),
    ]);
    expect(data.bars.map((b) => [b.series, b.value])).toEqual([['priced', 1.5]]);
    expect(data.unknown).toEqual(['unpriced']);
  });

  it('charts latency against load only for sweeps, one series per model and parameters', () => {
    const at = (model: string, value: number): CellSummary =>
      makeCell({ model, params: { temperature: 0.3 }, latencyMs: dist(value), load: { kind: 'rate', value } } as Partial<CellSummary>);
    const sweep = loadChartData([at('a', 1), at('a', 2), at('b', 1), at('b', 2)]);
    expect(sweep).toHaveLength(1);
    expect(sweep[0]!.kind).toBe('rate');
    expect(new Set(sweep[0]!.points.map((p) => p.series))).toEqual(new Set(['a temperature=0.3', 'b temperature=0.3']));
    expect(sweep[0]!.points).toHaveLength(8); // p50 and p99 of four cells
    expect(loadChartData([at('a', 1), at('b', 1)])).toEqual([]);
  });

  it('computes error and throttle rates the way the tables do', () => {
    const data = errorRateChartData([makeCell()]);
    expect(data.map((d) => [d.kind, d.value])).toEqual([
      ['error rate', 10],
      ['throttled rate', 10],
    ]);
  });

  it('plans no chart for a summary with nothing to draw', () => {
    const empty = makeSummary({ cells: [] });
    expect(planRunCharts(empty)).toEqual([]);
  });
});

describe('SVG output', () => {
  it('is inline-ready: no namespace URLs, no literal addresses, an accessible name', async () => {
    const svg = await renderVegaLiteSvg(
      {
        data: { values: [{ a: 'http://evil.example/<b>', b: 1 }] },
        mark: 'bar',
        encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
      },
      'A "chart"',
    );
    expect(svg.startsWith('<svg role="img" aria-label="A &quot;chart&quot;"')).toBe(true);
    expect(svg).not.toMatch(/https?:\/\//);
    expect(svg).not.toContain('xmlns');
    expect(svg).toContain('http:&#47;&#47;evil.example');
    expect(svg).toContain('&lt;b&gt;');
  });

  it('refuses markup that could run or load something', () => {
    expect(() => cleanSvg('<svg><script>alert(1)</script></svg>', 'x')).toThrow(/unexpected SVG/);
    expect(() => cleanSvg('<svg><rect onload="x()"/></svg>', 'x')).toThrow(/unexpected SVG/);
    expect(() => cleanSvg('<svg><image href="x.png"/></svg>', 'x')).toThrow(/unexpected SVG/);
    expect(cleanSvg('<svg><text aria-label="onload=&quot;x&quot;">onclick="y"</text></svg>', 'x')).toContain('<svg role="img"');
  });
});
