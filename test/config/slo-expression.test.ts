import { describe, expect, it } from 'vitest';
import { parseSlo } from '../../src/config/slo-expression.js';
import { parseRunConfig } from '../../src/config/run-config.js';

const base = { datasets: ['datasets/demo.csv'], models: ['ernie-speed-8k'] };

describe('parseSlo', () => {
  it('reads per-request bounds in ms or s and rate bounds as fractions or percentages', () => {
    const parsed = parseSlo('ttft<800ms, latency<=5s,tpot<40,error_rate<1%,throttled_rate<0.05');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.slo.requestBounds).toEqual([
      { metric: 'ttft', operator: '<', limitMs: 800 },
      { metric: 'latency', operator: '<=', limitMs: 5000 },
      { metric: 'tpot', operator: '<', limitMs: 40 },
    ]);
    expect(parsed.slo.rateBounds).toEqual([
      { metric: 'error_rate', operator: '<', limit: 0.01 },
      { metric: 'throttled_rate', operator: '<', limit: 0.05 },
    ]);
    expect(parsed.slo.text).toBe('ttft<800ms,latency<=5000ms,tpot<40ms,error_rate<1%,throttled_rate<5%');
  });

  it('takes the scheduled times too', () => {
    const parsed = parseSlo('ttft_sched<1s,latency_sched<10s');
    expect(parsed.ok && parsed.slo.requestBounds.map((bound) => [bound.metric, bound.limitMs])).toEqual([
      ['ttft_sched', 1000],
      ['latency_sched', 10000],
    ]);
  });

  it.each([
    ['ttft>800', 'upper bound'],
    ['ttft.p95<800', 'not METRIC<LIMIT'],
    ['speed<3', 'unknown metric "speed"'],
    ['ttft<5%', 'is a time'],
    ['error_rate<2s', 'is a fraction'],
    ['error_rate<5', 'at most 1'],
    ['ttft<800,ttft<900', 'bounded twice'],
    ['ttft<800,', 'an empty bound'],
    ['', 'empty SLO'],
  ])('refuses %j in one line naming what is allowed', (text, why) => {
    const parsed = parseSlo(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(why);
    expect(parsed.message).toContain('ttft, ttft_sched, latency, latency_sched, tpot');
    expect(parsed.message).not.toContain('\n');
  });
});

describe('--slo in the run configuration', () => {
  it('is checked at the boundary, naming the flag', () => {
    expect(() => parseRunConfig({ ...base, slo: 'ttft<fast' })).toThrow(/^--slo: "ttft<fast"/);
    expect(parseRunConfig({ ...base, slo: 'ttft<800ms' })).toMatchObject({ slo: 'ttft<800ms', sloAttainment: 0.95, findCapacity: false });
    expect(parseRunConfig({ ...base, slo: 'latency<2s', sloAttainment: '90%' }).sloAttainment).toBe(0.9);
    expect(() => parseRunConfig({ ...base, slo: 'latency<2s', sloAttainment: 95 })).toThrow(/--slo-attainment: .*did you mean 95%/);
  });

  it('refuses a TTFT or TPOT bound in a run without streaming', () => {
    expect(() => parseRunConfig({ ...base, stream: false, slo: 'ttft<800ms' })).toThrow(/ttft needs a streaming run/);
    // TPOT is never measured without streaming: the bound would pass every request.
    expect(() => parseRunConfig({ ...base, stream: false, slo: 'latency<2s,tpot<50ms' })).toThrow(/tpot needs a streaming run/);
    expect(parseRunConfig({ ...base, stream: false, slo: 'latency<2s' }).slo).toBe('latency<2s');
  });

  it('--find-capacity needs --slo, one start value, no shards, and bounds each stage', () => {
    expect(() => parseRunConfig({ ...base, findCapacity: true })).toThrow(/--find-capacity needs --slo/);
    expect(() => parseRunConfig({ ...base, findCapacity: true, slo: 'ttft<1s', concurrency: '1,2' })).toThrow(/takes one value/);
    expect(() => parseRunConfig({ ...base, findCapacity: true, slo: 'ttft<1s', shard: '1/2' })).toThrow(/cannot be sharded/);
    expect(() => parseRunConfig({ ...base, findCapacity: true, slo: 'ttft<1s', trace: 'trace.jsonl' })).toThrow(/--trace: --find-capacity/);
    expect(parseRunConfig({ ...base, findCapacity: true, slo: 'ttft<1s' }).maxRequests).toBe(50);
    expect(parseRunConfig({ ...base, findCapacity: true, slo: 'ttft<1s', duration: 5 }).maxRequests).toBeUndefined();
  });
});
