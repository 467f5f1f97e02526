/**
 * --slo and --find-capacity through the real CLI against the simulator, whose `capacity` option
 * makes latency rise with what is in flight: above `capacity` requests everything slows by
 * inFlight/capacity, so the knee of a TTFT bound is known in advance.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

// No jitter, no prefill, fast decoding, no quota: TTFT = firstChunkMs x max(1, inFlight / capacity).
const KNEE_SIM = ['--sim', '--sim-opt', 'jitter=0', '--sim-opt', 'prefillMsPerToken=0', '--sim-opt', 'msPerOutputToken=0.1', '--sim-opt', 'rpm=0'];
const RUN = ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k'];

async function summaryOf(out: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
}

describe('--slo and --find-capacity', () => {
  it('finds the concurrency of a known knee within one search step', { timeout: 120_000 }, async () => {
    // TTFT = 200 ms x c / 2 = 100 ms per request in flight: under 1050 ms up to c = 10 (the knee is 10.5).
    const out = await tempDir();
    const args = [...RUN, ...KNEE_SIM, '--sim-opt', 'firstChunkMs=200', '--sim-opt', 'capacity=2', '-c', '1', '--max-requests', '10'];
    // 90%: a stall of the shared test machine on one or two requests does not move the answer.
    const result = await runCli([...args, '--slo', 'ttft<1050ms', '--slo-attainment', '90%', '--find-capacity', '--out', out], { timeoutMs: 110_000 });
    expect(result.code, result.stderr).toBe(0);
    const summary = await summaryOf(out);
    const capacity = summary.capacity!;
    expect(capacity.searched).toBe('concurrency');
    expect(capacity.limitedBy).toBe('endpoint');
    const answer = capacity.answer!;
    const step = answer.high! - answer.low;
    expect(step).toBeGreaterThan(0);
    expect(Math.abs(answer.value - 10)).toBeLessThanOrEqual(step);
    // Doubling first, then bisection: the first loads are 1, 2, 4, 8 and the 16 in flight fail.
    expect(capacity.stages.slice(0, 5).map((stage) => stage.load.value)).toEqual([1, 2, 4, 8, 16]);
    expect(capacity.stages[4]).toMatchObject({ meets: false, stoppedEarly: true });
    expect(summary.cells).toHaveLength(capacity.stages.length);
    expect(result.stdout).toMatch(/capacity: \d+ in flight met the SLO, \d+ in flight did not.*\(limited by endpoint; \d+ stages\)/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="slo">');
    expect(html).toContain('Capacity search: the stages in the order run');
  });

  it('writes goodput per cell and the highest load that met the SLO on a small sweep', async () => {
    // capacity=1: TTFT = 100 ms x in flight; c=1 stays near 100 ms, c=4 reaches 400 ms (at most the first two of each wave meet 300 ms).
    const out = await tempDir();
    const args = [...RUN, ...KNEE_SIM, '--sim-opt', 'firstChunkMs=100', '--sim-opt', 'capacity=1', '-c', '1,4', '--max-requests', '8'];
    const result = await runCli([...args, '--slo', 'ttft<300ms,error_rate<1%', '--slo-attainment', '80%', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await summaryOf(out);
    expect(summary.slo).toMatchObject({ text: 'ttft<300ms,error_rate<1%', attainmentTarget: 0.8, highestMeeting: { kind: 'concurrency', value: 1 } });
    expect(summary.slo!.stages.map((stage) => [stage.load.value, stage.meets])).toEqual([
      [1, true],
      [4, false],
    ]);
    const [one, four] = summary.cells;
    expect(one!.goodput!.met).toBeGreaterThanOrEqual(7);
    expect(one!.goodput!.attainment).toBe(one!.goodput!.met / 8);
    expect(one!.goodput!.perSec).toBeCloseTo(one!.goodput!.met / (one!.windowMs / 1000), 2);
    expect(four!.goodput!.met).toBeLessThan(8);
    expect(summary.capacity).toBeUndefined();
    const csv = await readFile(join(out, 'summary.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('goodput_per_sec,slo_met,slo_attainment');
    expect(result.stdout).toMatch(/SLO per stage: c=1 \d+\.\d% ✓, c=4 \d+\.\d% ✗/);
    expect(result.stdout).toContain('highest load meeting it: c=1');
  });

  it('under a quota the search never offers more than it allows, and says the quota was the limit', { timeout: 90_000 }, async () => {
    // The simulator allows 120 requests a minute (2/s); the endpoint itself is fast.
    const out = await tempDir();
    const args = [...RUN, '--sim', '--sim-opt', 'firstChunkMs=5', '--sim-opt', 'msPerOutputToken=0.1', '--sim-opt', 'rpm=120', '--rate', '1', '-c', '8'];
    const result = await runCli([...args, '--max-requests', '6', '--slo', 'latency<5s', '--find-capacity', '--quiet', '--out', out], { timeoutMs: 80_000 });
    expect(result.code, result.stderr).toBe(0);
    const capacity = (await summaryOf(out)).capacity!;
    expect(capacity.searched).toBe('rate');
    expect(Math.max(...capacity.stages.map((stage) => stage.load.value))).toBeLessThanOrEqual(2);
    expect(capacity.limitedBy).toBe('quota');
    expect(capacity.answer?.value).toBe(2);
  });

  it.each([
    [['--slo', 'ttft<fast'], /--slo: "ttft<fast": not METRIC<LIMIT.*expected a comma list of bounds/],
    [['--slo', 'ttft<800ms', '--no-stream'], /ttft needs a streaming run/],
    [['--find-capacity'], /--find-capacity needs --slo/],
  ])('refuses %j before any request, in one line', async (flags, message) => {
    const out = await tempDir();
    const result = await runCli([...RUN, '--sim', ...flags, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
