/**
 * `npm run bench`: every figure is measured side by side in this one run and printed next to its
 * baseline; nothing here is asserted (the machines are shared and noisy). Sections can be picked
 * with QFBENCH_BENCH=ttft,overhead,quota,streams (default: all).
 */
import { benchOverhead } from './overhead.js';
import { benchQuotaUse } from './quota-use.js';
import { median } from './sim-child.js';
import { benchStreams } from './streams.js';
import { benchTtftOverhead } from './ttft-overhead.js';

const fmt = (value: number, digits = 3): string => value.toFixed(digits);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const sections = new Set((process.env.QFBENCH_BENCH ?? 'ttft,overhead,quota,streams').split(','));

async function ttftSection(): Promise<void> {
  const concurrency = 64;
  const requests = Number(process.env.QFBENCH_BENCH_REQUESTS ?? 1280);
  const passes = Number(process.env.QFBENCH_BENCH_PASSES ?? 5);
  out(`\n# TTFT measurement overhead (simulator in its own process, first chunk 50 ms, -c ${concurrency}, ${requests} streamed requests per pass)`);
  const results = await benchTtftOverhead({ concurrency, requests, firstChunkMs: 50, passes });
  out('client          requests  median TTFT ms  median server delay ms  overhead ms');
  for (const r of results) {
    out(`${r.client.padEnd(14)}  ${String(r.requests).padStart(8)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)}  ${fmt(r.overheadMs).padStart(11)}`);
  }
  const overhead = (client: string): number => median(results.filter((r) => r.client === client).map((r) => r.overheadMs));
  const difference = overhead('qfbench') - overhead('raw node:http');
  out("(qfbench stamps dispatch when undici starts writing the request and each chunk in undici's data callback; the raw client stamps just before http.request() and in its first 'data' event)");
  out(`median over ${passes} passes: qfbench ${fmt(overhead('qfbench'))} ms, raw ${fmt(overhead('raw node:http'))} ms; difference ${fmt(difference)} ms (goal: within 1 ms) -> ${Math.abs(difference) <= 1 ? 'MET' : 'NOT MET'}`);
}

async function overheadSection(): Promise<void> {
  const concurrency = 64;
  const requests = Number(process.env.QFBENCH_OVERHEAD_REQUESTS ?? 20_000);
  out(`\n# Client overhead: non-streaming requests against a no-op loopback server (own process), -c ${concurrency}, ${requests} requests per pass`);
  const results = await benchOverhead({ concurrency, requests, passes: 3 });
  out('client       req/s      CPU ms per 1,000 requests');
  for (const r of results) out(`${r.client.padEnd(11)}  ${fmt(r.requestsPerSec, 0).padStart(7)}  ${fmt(r.cpuMsPer1000, 1).padStart(8)}`);
  const rate = (client: string): number => median(results.filter((r) => r.client === client).map((r) => r.requestsPerSec));
  const cpu = (client: string): number => median(results.filter((r) => r.client === client).map((r) => r.cpuMsPer1000));
  const ratio = rate('qfbench') / rate('raw undici');
  out(`median: qfbench ${fmt(rate('qfbench'), 0)} req/s = ${fmt(ratio * 100, 1)}% of raw undici (goal >= 80%) -> ${ratio >= 0.8 ? 'MET' : 'NOT MET'}; CPU per 1,000: qfbench ${fmt(cpu('qfbench'), 1)} ms, raw ${fmt(cpu('raw undici'), 1)} ms`);
}

async function quotaSection(): Promise<void> {
  const rpm = 120;
  const seconds = Number(process.env.QFBENCH_QUOTA_SECONDS ?? 180);
  out(`\n# Quota use: simulator with RPM ${rpm} (60 s rolling window), ${seconds} s, -c 64, retries 2; both clients at once, each on its own simulator`);
  const results = await benchQuotaUse({ rpm, seconds, concurrency: 64 });
  out('(quota used: ok requests dispatched after the first minute / (RPM x minutes after the first), the steady state of a rolling window)');
  out('client       ok   attempts  throttled  quota used  throttled attempts');
  for (const r of results) {
    out(`${r.client.padEnd(11)}  ${String(r.ok).padStart(4)}  ${String(r.attempts).padStart(8)}  ${String(r.throttledAttempts).padStart(9)}  ${fmt(r.quotaUsed * 100, 1).padStart(9)}%  ${fmt(r.throttledShare * 100, 2).padStart(17)}%`);
  }
  const adaptive = results[0];
  if (adaptive !== undefined) {
    const met = adaptive.quotaUsed >= 0.95 && adaptive.throttledShare < 0.01;
    out(`adaptive: ${fmt(adaptive.quotaUsed * 100, 1)}% of the quota, ${fmt(adaptive.throttledShare * 100, 2)}% of attempts throttled (goal: >= 95% and < 1%) -> ${met ? 'MET' : 'NOT MET'}`);
  }
}

async function streamsSection(): Promise<void> {
  const counts = (process.env.QFBENCH_STREAMS ?? '1000,5000,10000').split(',').map(Number);
  out(`\n# Concurrent streams held by one qfbench process (simulator in its own process; streams start over 2 s and last ~6 s, first chunk 300 ms)`);
  const results = await benchStreams(counts);
  out('streams     ok  peak open  RSS/stream kB  heap/stream kB  median TTFT ms  median server delay ms  TTFT error ms');
  for (const r of results) {
    out(`${String(r.streams).padStart(7)}  ${String(r.ok).padStart(5)}  ${String(r.peakOpen).padStart(9)}  ${fmt(r.rssPerStreamKb, 1).padStart(13)}  ${fmt(r.heapPerStreamKb, 1).padStart(14)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)}  ${fmt(r.ttftErrorMs).padStart(13)}`);
  }
  const held = Math.max(0, ...results.filter((r) => r.ok === r.streams).map((r) => r.peakOpen));
  out(`most concurrent streams held with every one ok: ${held} (goal: 10,000) -> ${held >= 10_000 ? 'MET' : 'NOT MET'}`);
}

if (sections.has('ttft')) await ttftSection();
if (sections.has('overhead')) await overheadSection();
if (sections.has('quota')) await quotaSection();
if (sections.has('streams')) await streamsSection();
