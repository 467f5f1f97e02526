import { describe, expect, it } from 'vitest';
import { paretoCells } from '../../src/compare/pareto.js';
import type { CellSummary } from '../../src/metrics/types.js';
import { dist, makeCell } from '../report/fixtures.js';

function cell(id: string, latencyP50: number, cny?: number | null, passRate?: number): CellSummary {
  return makeCell({
    id,
    label: id,
    latencyMs: dist(latencyP50),
    ...(cny !== undefined ? { cost: { cny, inputCny: null, outputCny: null, price: null, estimatedTokenRequests: 0, simulated: false } } : {}),
    ...(passRate !== undefined ? { assertions: { passed: passRate * 10, failed: 10 - passRate * 10, errored: 0, skipped: 0, passRate } } : {}),
  });
}

describe('paretoCells', () => {
  it('keeps the cells no other cell beats on one dimension without losing on another', () => {
    const result = paretoCells([cell('fast-dear', 500, 2), cell('slow-cheap', 1500, 0.5), cell('slow-dear', 1600, 2.5), cell('middle', 900, 1)]);
    expect(result.dimensions.map((d) => d.id)).toEqual(['latency.p50', 'costPer1k']);
    expect(result.optimal).toEqual(['fast-dear', 'slow-cheap', 'middle']);
  });

  it('uses only the dimensions present: latency alone leaves the fastest cell (and its equals)', () => {
    const result = paretoCells([cell('a', 900), cell('b', 700), cell('c', 700)]);
    expect(result.dimensions.map((d) => d.id)).toEqual(['latency.p50']);
    expect(result.optimal).toEqual(['b', 'c']);
  });

  it('counts a missing figure as the worst, and takes pass rate in', () => {
    const result = paretoCells([cell('unpriced', 400, null, 0.9), cell('priced', 800, 1, 0.9), cell('accurate', 900, 1, 1)]);
    expect(result.dimensions.map((d) => d.id)).toEqual(['latency.p50', 'costPer1k', 'passRate']);
    expect(result.optimal).toEqual(['unpriced', 'priced', 'accurate']);
    const dominated = paretoCells([cell('worse', 900, 2, 0.5), cell('better', 800, 1, 0.9)]);
    expect(dominated.optimal).toEqual(['better']);
  });

  it('marks nothing when no cell has a figure', () => {
    expect(paretoCells([makeCell({ latencyMs: { ...dist(0), count: 0 } })])).toEqual({ dimensions: [], optimal: [] });
  });
});
