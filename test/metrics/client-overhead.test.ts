import { describe, expect, it } from 'vitest';
import { clientOverheadOf, clientOverheadWarning, startClientOverhead, type ClientOverhead } from '../../src/metrics/client-overhead.js';
import { clientOverheadSchema } from '../../src/metrics/summary-schema.js';
import { dist, emptyDist, makeCell } from '../report/fixtures.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose: this is the client delay being measured.
  }
}

describe('client overhead', () => {
  it('measures a blocked event loop and the CPU it burnt', async () => {
    const monitor = startClientOverhead();
    await sleep(50);
    blockFor(80);
    await sleep(50);
    const overhead = monitor.stop();
    expect(monitor.stop()).toBe(overhead);
    expect(overhead.eventLoopDelayMs.count).toBeGreaterThan(0);
    // The 80 ms block delays one timer tick by about that much (the 10 ms resolution taken off).
    expect(overhead.eventLoopDelayMs.max).toBeGreaterThanOrEqual(40);
    expect(overhead.eventLoopDelayMs.p50).toBeLessThanOrEqual(overhead.eventLoopDelayMs.max);
    // Wall time spent busy is CPU time only when the machine gives it: a shared machine may not.
    expect(overhead.cpuUserMs + overhead.cpuSystemMs).toBeGreaterThan(0);
    expect(overhead.cpuShare).toBeGreaterThan(0);
    expect(clientOverheadSchema.parse(overhead)).toEqual(overhead);
  });

  const overhead = (p99: number): Omit<ClientOverhead, 'warning'> => ({
    eventLoopDelayMs: { ...emptyDist(), count: 100, p99 },
    cpuUserMs: 10,
    cpuSystemMs: 1,
    cpuShare: 0.1,
  });

  it('warns when the delay p99 is over 10% of the smallest TTFT p50, naming the cell', () => {
    const cells = [makeCell({ id: 'a', label: 'fast', ttftMs: dist(100) }), makeCell({ id: 'b', label: 'slow', ttftMs: dist(900) })];
    expect(clientOverheadWarning(overhead(10), cells)).toBeUndefined();
    const warning = clientOverheadWarning(overhead(10.5), cells);
    expect(warning).toMatch(/event-loop delay p99 \(10\.5 ms\) is over 10% of the smallest TTFT p50 of fast \(100\.0 ms\): timings include client delay/);
    expect(clientOverheadOf(overhead(10.5), cells).warning).toBe(warning);
    expect(clientOverheadOf(overhead(1), cells)).not.toHaveProperty('warning');
  });

  it('falls back to latency p50 for cells without a first token, and says nothing without any timing', () => {
    const unstreamed = [makeCell({ label: 'embed', ttftMs: emptyDist(), latencyMs: dist(40) })];
    expect(clientOverheadWarning(overhead(5), unstreamed)).toMatch(/smallest latency p50 of embed \(40\.0 ms\)/);
    expect(clientOverheadWarning(overhead(500), [makeCell({ ttftMs: emptyDist(), latencyMs: emptyDist() })])).toBeUndefined();
  });
});
