/**
 * `npm run bench`: every figure is measured side by side in this one run and printed as a ratio
 * or a difference against its baseline; nothing here is asserted (the machines are noisy).
 */
import { benchTtftOverhead } from './ttft-overhead.js';

const fmt = (value: number): string => value.toFixed(3);

async function main(): Promise<void> {
  const concurrency = 64;
  const requests = Number(process.env.QFBENCH_BENCH_REQUESTS ?? 1280);
  process.stdout.write(`# TTFT measurement overhead (simulator first chunk 50 ms, -c ${concurrency}, ${requests} streamed requests per pass)\n`);
  const results = await benchTtftOverhead({ concurrency, requests, firstChunkMs: 50 });
  process.stdout.write('client          requests  median TTFT ms  median server delay ms  overhead ms\n');
  for (const r of results) {
    process.stdout.write(`${r.client.padEnd(14)}  ${String(r.requests).padStart(8)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)}  ${fmt(r.overheadMs).padStart(11)}\n`);
  }
  const mean = (client: string): number => {
    const own = results.filter((r) => r.client === client);
    return own.reduce((sum, r) => sum + r.overheadMs, 0) / own.length;
  };
  const difference = mean('qfbench') - mean('raw node:http');
  process.stdout.write(`qfbench overhead minus raw client overhead: ${fmt(difference)} ms (goal: within 1 ms) -> ${Math.abs(difference) <= 1 ? 'MET' : 'NOT MET'}\n`);
}

await main();
