/**
 * The client's own measurement error: how late its event loop ran (a late loop reads a chunk's
 * arrival late, so TTFT and latency grow by it) and how much CPU it used, over the run. No peer
 * states this; a run whose client was busy says so instead of reporting the delay as the server's.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CellSummary, DistributionSummary, RunMetadata } from './types.js';
import { now } from '../util/clock.js';
import { round3 } from '../util/round.js';

export type ClientOverhead = NonNullable<RunMetadata['client']>;

/** Timer resolution of the delay histogram, ms: fine enough for TTFTs of tens of ms, cheap enough to leave on. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/** The delay p99 above this share of the smallest TTFT p50 makes the figures suspect. */
export const CLIENT_DELAY_WARNING_SHARE = 0.1;

export interface ClientOverheadMonitor {
  /** Ends the measurement (idempotent: the first call's figures are kept). */
  stop(): Omit<ClientOverhead, 'warning'>;
}

/** Starts measuring now (call it right before the first request). */
export function startClientOverhead(): ClientOverheadMonitor {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  const startedAt = now();
  const cpuAtStart = process.cpuUsage();
  let result: Omit<ClientOverhead, 'warning'> | undefined;
  return {
    stop: () => {
      if (result !== undefined) return result;
      histogram.disable();
      const cpu = process.cpuUsage(cpuAtStart);
      const wallMs = now() - startedAt;
      const cpuUserMs = cpu.user / 1000;
      const cpuSystemMs = cpu.system / 1000;
      result = {
        eventLoopDelayMs: delaySummary(histogram),
        cpuUserMs: round3(cpuUserMs),
        cpuSystemMs: round3(cpuSystemMs),
        cpuShare: wallMs > 0 ? round3((cpuUserMs + cpuSystemMs) / wallMs) : 0,
      };
      return result;
    },
  };
}

/**
 * The histogram holds each timer tick's interval in ns, the resolution included (an idle loop reads
 * about 10.1 ms): the delay is what exceeds the resolution.
 */
function delaySummary(histogram: ReturnType<typeof monitorEventLoopDelay>): DistributionSummary {
  const count = histogram.count;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const delay = (ns: number): number => round3(Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS));
  return {
    count,
    min: delay(histogram.min),
    mean: delay(histogram.mean),
    p50: delay(histogram.percentile(50)),
    p90: delay(histogram.percentile(90)),
    p95: delay(histogram.percentile(95)),
    p99: delay(histogram.percentile(99)),
    p999: delay(histogram.percentile(99.9)),
    max: delay(histogram.max),
  };
}

/**
 * The smallest time the run measured that a client delay would distort: the smallest cell TTFT p50,
 * or latency p50 for cells without a first token (not streamed, embeddings). Undefined without any.
 */
function smallestMeasuredMs(cells: readonly CellSummary[]): { ms: number; what: string } | undefined {
  let smallest: { ms: number; what: string } | undefined;
  for (const cell of cells) {
    const ttft = cell.ttftMs.count > 0 ? cell.ttftMs.p50 : undefined;
    const ms = ttft ?? (cell.latencyMs.count > 0 ? cell.latencyMs.p50 : undefined);
    if (ms === undefined || ms <= 0) continue;
    if (smallest === undefined || ms < smallest.ms) smallest = { ms, what: `${ttft !== undefined ? 'TTFT' : 'latency'} p50 of ${cell.label ?? cell.id}` };
  }
  return smallest;
}

/** The warning when the delay p99 exceeds 10% of the smallest TTFT p50 the run measured. */
export function clientOverheadWarning(overhead: Omit<ClientOverhead, 'warning'>, cells: readonly CellSummary[]): string | undefined {
  const smallest = smallestMeasuredMs(cells);
  const p99 = overhead.eventLoopDelayMs.p99;
  if (smallest === undefined || p99 <= smallest.ms * CLIENT_DELAY_WARNING_SHARE) return undefined;
  return (
    `the client's event-loop delay p99 (${p99.toFixed(1)} ms) is over ${CLIENT_DELAY_WARNING_SHARE * 100}% of the smallest ${smallest.what} ` +
    `(${smallest.ms.toFixed(1)} ms): timings include client delay; lower the concurrency or run the client on a less busy machine`
  );
}

/** The overhead with its warning, as summary.json's `run.client` holds it. */
export function clientOverheadOf(overhead: Omit<ClientOverhead, 'warning'>, cells: readonly CellSummary[]): ClientOverhead {
  const warning = clientOverheadWarning(overhead, cells);
  return warning !== undefined ? { ...overhead, warning } : overhead;
}
