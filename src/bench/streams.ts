/**
 * Concurrent streams: how many open streams one qfbench process holds against the simulator (in
 * its own process), the client memory each costs, and the TTFT error against the simulator's own
 * clock while that many are open. Streams start over RAMP_MS (open loop) and each lasts longer
 * than the ramp, so all of them are open together at its end; starting thousands in the same
 * millisecond would measure the server's accept queue, not the client.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import { driveQfbench } from './drive.js';
import { median, startSimChild } from './sim-child.js';

const RAMP_MS = 2000;

export interface StreamsResult {
  streams: number;
  ok: number;
  /** Most streams open at the same moment. */
  peakOpen: number;
  /** Peak client RSS growth over the baseline, per stream (kB). */
  rssPerStreamKb: number;
  heapPerStreamKb: number;
  medianTtftMs: number;
  medianServerDelayMs: number;
  ttftErrorMs: number;
}

export async function benchStreams(counts: readonly number[]): Promise<StreamsResult[]> {
  // About 6 s of decoding per stream: longer than the ramp, so every stream is open at its end.
  const sim = await startSimChild({ firstChunkMs: 300, prefillMsPerToken: 0, msPerOutputToken: 60, jitter: 0, outputTokens: { min: 100, max: 100 } });
  const results: StreamsResult[] = [];
  try {
    for (const streams of counts) {
      global.gc?.();
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakHeap = baseline.heapUsed;
      const sampler = setInterval(() => {
        const usage = process.memoryUsage();
        peakRss = Math.max(peakRss, usage.rss);
        peakHeap = Math.max(peakHeap, usage.heapUsed);
      }, 100);
      const ttfts: number[] = [];
      let ok = 0;
      let open = 0;
      let peakOpen = 0;
      await driveQfbench({
        url: sim.url,
        auth: { kind: 'oauth', credentials: sim.credentials },
        concurrency: streams,
        requests: streams,
        rate: streams / (RAMP_MS / 1000),
        stream: true,
        onStart: () => {
          open++;
          peakOpen = Math.max(peakOpen, open);
        },
        onFinished: ({ record }: FinishedRequest) => {
          open--;
          if (record.outcome === 'ok') ok++;
          if (record.ttftMs !== undefined) ttfts.push(record.ttftMs);
        },
      });
      clearInterval(sampler);
      const serverDelays = await sim.takeFirstChunkDelays();
      const medianTtftMs = median(ttfts);
      const medianServerDelayMs = median(serverDelays);
      results.push({
        streams,
        ok,
        peakOpen,
        rssPerStreamKb: (peakRss - baseline.rss) / 1024 / streams,
        heapPerStreamKb: (peakHeap - baseline.heapUsed) / 1024 / streams,
        medianTtftMs,
        medianServerDelayMs,
        ttftErrorMs: medianTtftMs - medianServerDelayMs,
      });
      if (ok < streams) break;
    }
  } finally {
    await sim.close();
  }
  return results;
}
