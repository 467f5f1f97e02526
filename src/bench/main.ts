/**
 * `npm run bench`: every figure is measured side by side in this one run and printed as a ratio
 * or a difference against its baseline; nothing here is asserted (the machines are noisy).
 */
import { benchTtftOverhead } from './ttft-overhead.js';

import { median } from './sim-child.js';

const fmt = (value: number): string => value.toFixed(3);

async function main(): Promise<void> {
  const concurrency = 64;
  const requests = Number(process.env.QFBENCH_BENCH_REQUESTS ?? 1280);
  process.stdout.write(`# TTFT measurement overhead (simulator in its own process, first chunk 50 ms, -c ${concurrency}, ${requests} streamed requests per pass)\n`);
  const passes = Number(process.env.QFBENCH_BENCH_PASSES ?? 5);
  const results = await benchTtftOverhead({ concurrency, requests, firstChunkMs: 50, passes });
  process.stdout.write('client          requests  median TTFT ms  median server delay ms  overhead ms\n');
  for (const r of results) {
    process.stdout.write(`${r.client.padEnd(14)}  ${String(r.requests).padStart(8)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)}  ${fmt(r.overheadMs).padStart(11)}\n`);
  }
  const overhead = (client: string): number => median(results.filter((r) => r.client === client).map((r) => r.overheadMs));
  const difference = overhead('qfbench') - overhead('raw node:http');
  process.stdout.write('(qfbench stamps dispatch when undici starts writing the request and each chunk in undici\'s data callback; the raw client stamps just before http.request() and in its first \'data\' event)\n');
  process.stdout.write(
    `median over ${passes} passes: qfbench ${fmt(overhead('qfbench'))} ms, raw ${fmt(overhead('raw node:http'))} ms; ` +
      `difference ${fmt(difference)} ms (goal: within 1 ms) -> ${Math.abs(difference) <= 1 ? 'MET' : 'NOT MET'}\n`,
  );
}

await main();
