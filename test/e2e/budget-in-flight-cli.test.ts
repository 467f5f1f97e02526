/**
 * --max-cost / --max-tokens with many requests in flight (-c 16), through the built CLI against a
 * simulator on port 0: each request holds its estimated cost from dispatch to answer, so the run
 * ends at most one request's worth above its cap, not -c requests' worth.
 *
 * The bound asserted: spent <= cap + the largest single ok request. Why: a request goes only if what
 * is spent, what the others in flight hold and its own charge fit in the cap, or if nothing else is
 * in flight and the cap is not reached yet; charges (the longest completion of >= 5 answers, the
 * output ceiling before) are at least what the answers cost, so the one request let go alone is the
 * only way past the cap. Before the change, 16 requests went at once and finished ones alone stopped
 * dispatching: about 15 requests over.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  // Answers long enough (50 ms + 1 ms per token) that 16 overlap.
  sim = await startSimulator({ firstChunkMs: 50, msPerOutputToken: 1, jitter: 0, seed: 11 });
});
afterAll(async () => sim.close());
const env = (): Record<string, string> => ({ QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk });
const DATE = ['--price-date', '2025-01-02'];
/** ERNIE-4.0-8K's price on that date in the built-in table, per 1,000 tokens in and out. */
const ERNIE_4_PER_1K = 0.12;

interface Run {
  code: number | null;
  stderr: string;
  summary: RunSummary;
  requests: Record<string, string>[];
  maxInFlight: number;
}

/** Runs the CLI while sampling how many requests the simulator serves at once. */
async function runSampled(args: string[]): Promise<Run> {
  const out = await tempDir();
  let maxInFlight = 0;
  const sampler = setInterval(() => (maxInFlight = Math.max(maxInFlight, sim.stats.inFlight)), 2);
  try {
    const result = await runCli(['run', ...args, '--out', out, '--quiet', ...DATE], { env: env() });
    return {
      code: result.code,
      stderr: result.stderr,
      summary: JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary,
      requests: parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[],
      maxInFlight,
    };
  } finally {
    clearInterval(sampler);
  }
}

const tokensOf = (row: Record<string, string>): number => Number(row.prompt_tokens) + Number(row.completion_tokens);

describe('budgets hold what is in flight', () => {
  it('--max-cost at -c 16 ends at most one request above the cap; the rest is dropped, exit 4', async () => {
    const cap = 0.3;
    const chatBefore = sim.stats.chatRequests;
    const run = await runSampled(['-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--repeat', '8', '-c', '16', '--max-cost', String(cap)]);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/run aborted: budget stop: --max-cost 0\.3 CNY reached/);
    expect(run.requests).toHaveLength(96);
    const ok = run.requests.filter((row) => row.outcome === 'ok');
    const dropped = run.requests.filter((row) => row.outcome === 'dropped');
    expect(ok.length + dropped.length).toBe(96);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((row) => row.error_msg?.startsWith('budget stop: --max-cost 0.3 CNY reached'))).toBe(true);
    // Nothing was sent beyond the answered requests.
    expect(sim.stats.chatRequests - chatBefore).toBe(ok.length);
    const costs = ok.map((row) => (tokensOf(row) / 1000) * ERNIE_4_PER_1K);
    const spent = costs.reduce((a, b) => a + b, 0);
    expect(spent).toBeGreaterThanOrEqual(cap);
    expect(spent).toBeLessThanOrEqual(cap + Math.max(...costs) + 1e-9);
    expect(run.summary.cost?.totalCny).toBeCloseTo(spent, 5);
    expect(run.summary.cost?.budget).toMatchObject({ maxCostCny: cap, dropped: dropped.length });
    // The cap was kept with requests running side by side, not by going one at a time.
    expect(run.maxInFlight).toBeGreaterThan(1);
  });

  it('--max-tokens at -c 16 the same way', async () => {
    const cap = 2500;
    const run = await runSampled(['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--repeat', '8', '-c', '16', '--max-tokens', String(cap)]);
    expect(run.code, run.stderr).toBe(4);
    const ok = run.requests.filter((row) => row.outcome === 'ok');
    const dropped = run.requests.filter((row) => row.outcome === 'dropped');
    expect(ok.length + dropped.length).toBe(96);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((row) => row.error_msg?.startsWith(`budget stop: --max-tokens ${cap} reached`))).toBe(true);
    const tokens = ok.map(tokensOf);
    const used = tokens.reduce((a, b) => a + b, 0);
    expect(run.summary.cost?.tokens.total).toBe(used);
    expect(used).toBeGreaterThanOrEqual(cap);
    expect(used).toBeLessThanOrEqual(cap + Math.max(...tokens));
    expect(run.maxInFlight).toBeGreaterThan(1);
  });
});
