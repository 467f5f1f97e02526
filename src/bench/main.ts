/**
 * `npm run bench`: every figure is measured side by side in this one run and printed next to its
 * baseline; nothing here is asserted (the machines are shared and noisy). Sections can be picked
 * with QFBENCH_BENCH=ttft,overhead,quota,streams,signing (default: all).
 */
import { benchOverhead } from './overhead.js';
import { benchQuotaModels, type BenchClient, type BenchServer, type QuotaModelCase, type QuotaModelResult } from './quota-models.js';
import { benchSigning } from './signing.js';
import { median } from './sim-child.js';
import { benchStreams } from './streams.js';
import { benchTtftOverhead } from './ttft-overhead.js';

const fmt = (value: number, digits = 3): string => value.toFixed(digits);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const sections = new Set((process.env.QFBENCH_BENCH ?? 'ttft,overhead,quota,streams,signing').split(','));

async function ttftSection(): Promise<void> {
  const concurrency = 64;
  const requests = Number(process.env.QFBENCH_BENCH_REQUESTS ?? 1280);
  const passes = Number(process.env.QFBENCH_BENCH_PASSES ?? 5);
  out(`\n# TTFT measurement overhead (simulator in its own process, first chunk 50 ms, -c ${concurrency}, ${requests} streamed requests per pass)`);
  const results = await benchTtftOverhead({ concurrency, requests, firstChunkMs: 50, passes });
  out('client          requests  median TTFT ms  median server delay ms  overhead ms');
  for (const r of results) {
    out(
      `${r.client.padEnd(14)}  ${String(r.requests).padStart(8)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)} ` +
        ` ${fmt(r.overheadMs).padStart(11)}`,
    );
  }
  const overhead = (client: string): number => median(results.filter((r) => r.client === client).map((r) => r.overheadMs));
  const difference = overhead('qfbench') - overhead('raw node:http');
  out(
    "(qfbench stamps dispatch when undici starts writing the request and each chunk in undici's data callback; the raw client stamps just before " +
      "http.request() and in its first 'data' event)",
  );
  out(
    `median over ${passes} passes: qfbench ${fmt(overhead('qfbench'))} ms, raw ${fmt(overhead('raw node:http'))} ms; difference ${fmt(difference)} ms ` +
      `(goal: within 1 ms) -> ${Math.abs(difference) <= 1 ? 'MET' : 'NOT MET'}`,
  );
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
  out(
    `median: qfbench ${fmt(rate('qfbench'), 0)} req/s = ${fmt(ratio * 100, 1)}% of raw undici (goal >= 80%) -> ${ratio >= 0.8 ? 'MET' : 'NOT MET'}; CPU ` +
      `per 1,000: qfbench ${fmt(cpu('qfbench'), 1)} ms, raw ${fmt(cpu('raw undici'), 1)} ms`,
  );
}

async function quotaSection(): Promise<void> {
  // RPM 120 scaled to a 10 s window (20 per window), so each model takes seconds, not minutes.
  const windowMs = Number(process.env.QFBENCH_QUOTA_WINDOW_MS ?? 10_000);
  const requests = Number(process.env.QFBENCH_QUOTA_REQUESTS ?? 50);
  const limit = Number(process.env.QFBENCH_QUOTA_LIMIT ?? 20);
  const concurrency = Number(process.env.QFBENCH_QUOTA_CONCURRENCY ?? 64);
  const cases: QuotaModelCase[] = [
    ...(['bucket', 'fixed', 'rolling'] as const).map((model) => ({ model, limit, windowMs, requests, concurrency })),
    // The CI-sized suite: room for all of it at once (RPM 600, a real minute), -c 16.
    { model: 'rolling' as const, limit: 600, windowMs: 60_000, requests: 100, concurrency: 16 },
  ];
  out(
    `\n# Quota models: simulator quotaModel=bucket|fixed|rolling (${limit} requests per ${windowMs / 1000} s window), ${requests} streamed requests at ` +
      `-c ${concurrency}, plus the CI-sized suite (100 requests, RPM 600, -c 16); every client at once, each on its own server process (our simulator, ` +
      `and an independent quota server that shares no code with it)`,
  );
  const servers = (process.env.QFBENCH_QUOTA_SERVERS ?? 'simulator,independent').split(',') as BenchServer[];
  const results = await benchQuotaModels(cases, servers);
  out('(time: from the first request to the last answer; quota used: ok / (a full window + the refill over that time); every request retried until ok)');
  out('server       model     limit/window  client        ok  attempts  throttled  time s  ideal s  time/ideal  quota used');
  for (const r of results) {
    const ratio = r.idealSeconds > 0 ? `${fmt((r.seconds / r.idealSeconds) * 100, 0)}%` : '-';
    out(
      `${r.server.padEnd(11)}  ${r.model.padEnd(8)}  ${`${r.limit}/${r.windowMs / 1000}s`.padStart(12)}  ${r.client.padEnd(12)} ` +
        ` ${String(r.ok).padStart(4)}  ${String(r.attempts).padStart(8)}  ${fmt((r.throttledAttempts / Math.max(1, r.attempts)) * 100, 1).padStart(8)}% ` +
        ` ${fmt(r.seconds, 1).padStart(6)}  ${fmt(r.idealSeconds, 1).padStart(7)}  ${ratio.padStart(10)}  ${fmt(r.quotaUsed * 100, 1).padStart(9)}%`,
    );
  }
  const pick = (r: QuotaModelResult, client: BenchClient): QuotaModelResult | undefined =>
    results.find((o) => o.client === client && o.server === r.server && o.model === r.model && o.limit === r.limit);
  const credit = results.filter((r) => r.client === 'credit' && r.limit === limit);
  const throttledShare = (r: QuotaModelResult): number => r.throttledAttempts / Math.max(1, r.attempts);
  const goal = credit.every((r) => r.seconds <= r.idealSeconds * 1.05 && throttledShare(r) <= 0.01);
  const floor = credit.every(
    (r) => r.seconds <= r.idealSeconds * 1.15 + 5 && throttledShare(r) <= 0.05 && r.seconds <= (pick(r, 'even pacing')?.seconds ?? Infinity),
  );
  out(
    `credit on the three models, both servers: goal (within 105% of ideal, <= 1% throttled) -> ${goal ? 'MET' : 'NOT MET'}; floor (within 115% + 5 s, <= ` +
      `5% throttled, never slower than even pacing) -> ${floor ? 'MET' : 'NOT MET'}`,
  );
  const suite = results.filter((r) => r.client === 'credit' && r.limit === 600);
  const suiteMet = suite.every((r) => r.seconds <= (pick(r, 'no-adapt')?.seconds ?? 0) * 1.5 + 0.5);
  out(`CI-sized suite: credit within 150% (+0.5 s) of a fixed -c 16 that the quota never throttles -> ${suiteMet ? 'MET' : 'NOT MET'}`);
}

async function streamsSection(): Promise<void> {
  const counts = (process.env.QFBENCH_STREAMS ?? '1000,5000,10000').split(',').map(Number);
  out(`\n# Concurrent streams held by one qfbench process (simulator in its own process; streams start over 2 s and last ~6 s, first chunk 300 ms)`);
  const results = await benchStreams(counts);
  out('streams     ok  peak open  RSS/stream kB  heap/stream kB  median TTFT ms  median server delay ms  TTFT error ms');
  for (const r of results) {
    out(
      `${String(r.streams).padStart(7)}  ${String(r.ok).padStart(5)}  ${String(r.peakOpen).padStart(9)}  ${fmt(r.rssPerStreamKb, 1).padStart(13)} ` +
        ` ${fmt(r.heapPerStreamKb, 1).padStart(14)}  ${fmt(r.medianTtftMs).padStart(14)}  ${fmt(r.medianServerDelayMs).padStart(22)} ` +
        ` ${fmt(r.ttftErrorMs).padStart(13)}`,
    );
  }
  const held = Math.max(0, ...results.filter((r) => r.ok === r.streams).map((r) => r.peakOpen));
  out(`most concurrent streams held with every one ok: ${held} (goal: 10,000) -> ${held >= 10_000 ? 'MET' : 'NOT MET'}`);
}

if (sections.has('ttft')) await ttftSection();
if (sections.has('overhead')) await overheadSection();
if (sections.has('quota')) await quotaSection();
if (sections.has('streams')) await streamsSection();
if (sections.has('signing')) {
  const { calls, perCallUs } = await benchSigning(5000);
  out(
    `\n# IAM signing (bce-auth-v1) of one v1 request, ${calls} calls\nper call: ${fmt(perCallUs, 1)} µs (goal: < 200 µs) ` +
      `-> ${perCallUs < 200 ? 'MET' : 'NOT MET'}`,
  );
}
