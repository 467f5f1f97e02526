import { describe, expect, it } from 'vitest';
import { cellObjectives, costPer1kRequests } from '../../src/compare/objectives.js';
import { createHistogram, encodeHistogram, recordCount, recordMs } from '../../src/metrics/histogram.js';
import type { CellSummary } from '../../src/metrics/types.js';
import { dist, makeCell, makeRecord } from '../report/fixtures.js';

function timeHistogram(values: number[]): string {
  const h = createHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

function countHistogram(values: number[]): string {
  const h = createHistogram();
  for (const v of values) recordCount(h, v);
  return encodeHistogram(h);
}

/** A cell of 200 ok requests whose latencies are `base + 3i` ms and TTFTs `base / 4 + i` ms. */
function timedCell(id: string, base: number, extra: Partial<CellSummary> = {}): CellSummary {
  const latencies = Array.from({ length: 200 }, (_, i) => base + i * 3);
  const ttfts = Array.from({ length: 200 }, (_, i) => base / 4 + i);
  const sorted = [...latencies].sort((a, b) => a - b);
  return makeCell({
    id,
    label: `cell ${id}`,
    outcomes: { ok: 200, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
    latencyMs: { ...dist(sorted[100]!), count: 200, p50: sorted[100]! },
    ttftMs: { ...dist(base / 4 + 100), count: 200, p95: base / 4 + 190 },
    histograms: { latency: timeHistogram(latencies), ttft: timeHistogram(ttfts) },
    ...extra,
  });
}

describe('cellObjectives', () => {
  it('names the fastest cell and separates it when the histograms say so', () => {
    const results = cellObjectives([timedCell('slow', 1600), timedCell('fast', 800)]);
    const latency = results.find((r) => r.id === 'latency.p50')!;
    expect(latency.best.id).toBe('fast');
    expect(latency.runnerUp?.id).toBe('slow');
    expect(latency.delta).toBeCloseTo(-800, 0);
    expect(latency.separation).toBe('separated');
    expect(latency.interval!.high).toBeLessThan(0);
    expect(latency.statement).toMatch(/^95% CI \[−\d+\.\d, −\d+\.\d\] ms excludes 0$/);
  });

  it('says "no significant difference" when the per-request data cannot separate the cells', () => {
    const results = cellObjectives([timedCell('a', 1000), timedCell('b', 1004)]);
    const latency = results.find((r) => r.id === 'latency.p50')!;
    expect(latency.best.id).toBe('a');
    expect(latency.separation).toBe('no significant difference');
    expect(latency.statement).toMatch(/includes 0|within ±5%/);
  });

  it('is deterministic: the same cells give the same intervals', () => {
    const cells = [timedCell('a', 1000), timedCell('b', 1100)];
    expect(cellObjectives(cells)).toEqual(cellObjectives(cells));
  });

  it('gives one cell as "only one cell" and leaves out objectives no cell has a figure for', () => {
    const results = cellObjectives([timedCell('only', 1000)]);
    expect(results.map((r) => r.id)).toEqual(['ttft.p50', 'ttft.p95', 'latency.p50', 'outputTokensPerSec']);
    for (const result of results) {
      expect(result.separation).toBe('only one cell');
      expect(result.runnerUp).toBeUndefined();
    }
  });

  it('judges pass rates with Fisher’s exact test, showing the two-proportion interval', () => {
    const checked = (id: string, passed: number, failed: number): CellSummary =>
      makeCell({ id, label: id, assertions: { passed, failed, errored: 0, skipped: 0, passRate: passed / (passed + failed) } });
    const clear = cellObjectives([checked('weak', 50, 50), checked('strong', 95, 5)]).find((r) => r.id === 'passRate')!;
    expect(clear.best.id).toBe('strong');
    expect(clear.best.value).toBeCloseTo(0.95);
    expect(clear.separation).toBe('separated');
    const close = cellObjectives([checked('a', 8, 2), checked('b', 9, 1)]).find((r) => r.id === 'passRate')!;
    expect(close.best.id).toBe('b');
    expect(close.separation).toBe('no significant difference');
    // 6/6 against 2/6: the approximate interval excludes 0, but Fisher's exact p is 0.061, so no claim (as compare decides).
    const few = cellObjectives([checked('two', 2, 4), checked('six', 6, 0)]).find((r) => r.id === 'passRate')!;
    expect(few.best.id).toBe('six');
    expect(few.interval!.low).toBeGreaterThan(0);
    expect(few.separation).toBe('no significant difference');
    expect(few.statement).toContain('exact test p = 0.061 ≥ 0.05');
  });

  it('ranks cost per 1,000 ok requests, resampling the token histograms at the prices, and skips unpriced cells', () => {
    const priced = (id: string, outputPer1k: number, cny: number | null): CellSummary =>
      makeCell({
        id,
        label: id,
        outcomes: { ok: 100, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
        histograms: {
          promptTokens: countHistogram(Array.from({ length: 100 }, (_, i) => 30 + (i % 20))),
          completionTokens: countHistogram(Array.from({ length: 100 }, (_, i) => 80 + (i % 40))),
        },
        cost: {
          cny,
          inputCny: null,
          outputCny: null,
          price: cny === null ? null : { model: id, inputPer1k: 0.004, outputPer1k, effectiveFrom: '2025-01-01', source: 'test' },
          estimatedTokenRequests: 0,
          simulated: false,
        },
      });
    const cells = [priced('dear', 0.016, 1.6), priced('cheap', 0.008, 0.8), priced('unpriced', 0, null)];
    expect(costPer1kRequests(cells[1]!)).toBeCloseTo(8);
    expect(costPer1kRequests(cells[2]!)).toBeNull();
    const cost = cellObjectives(cells).find((r) => r.id === 'costPer1k')!;
    expect(cost.best.id).toBe('cheap');
    expect(cost.runnerUp?.id).toBe('dear');
    expect(cost.delta).toBeCloseTo(-8);
    expect(cost.separation).toBe('separated');
  });

  it('tests output tokens/s only with the per-request rows, from the gaps between ok completions', () => {
    const cells = [
      makeCell({ id: 'c0', label: 'c0', throughput: { requestsPerSec: 10, outputTokensPerSec: 1000 } }),
      makeCell({ id: 'c1', label: 'c1', throughput: { requestsPerSec: 5, outputTokensPerSec: 500 } }),
    ];
    const without = cellObjectives(cells).find((r) => r.id === 'outputTokensPerSec')!;
    expect(without.best.id).toBe('c0');
    expect(without.separation).toBe('insufficient data');
    expect(without.statement).toContain('per-request rows');
    const records = cells.flatMap((cell, c) =>
      Array.from({ length: 40 }, (_, i) =>
        makeRecord({ seq: c * 40 + i, cellId: cell.id, schedOffsetMs: i * (c === 0 ? 100 : 200), latencySchedMs: 50 + (i % 7), completionTokens: 100 }),
      ),
    );
    const withRows = cellObjectives(cells, { records }).find((r) => r.id === 'outputTokensPerSec')!;
    expect(withRows.separation).toBe('separated');
    expect(withRows.delta).toBe(500);
  });
});
