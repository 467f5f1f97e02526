import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['--sim', '--sim-opt', 'firstChunkMs=5', '--sim-opt', 'msPerOutputToken=0.2', '--quiet'];

/** 12 Mooncake-style arrivals over 3 s, two at the same instant, two pairs sharing a prefix block. */
const ARRIVALS_MS = [0, 0, 250, 500, 800, 1100, 1400, 1700, 2000, 2400, 2700, 3000];
const mooncakeLine = (timestamp: number, index: number): string =>
  JSON.stringify({ timestamp: 5000 + timestamp, input_length: 40 + index * 10, output_length: 10 + index, hash_ids: [index % 2, 100 + index] });

async function read(out: string): Promise<{ summary: RunSummary; rows: Record<string, string>[] }> {
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
  const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return { summary, rows };
}

/** The trace line a request came from: its row id is `<file>#<line>`. */
const lineOf = (row: Record<string, string>): number => Number(row['row_id']?.split('#')[1]);

describe('--trace replays arrival times through the CLI (simulated)', () => {
  let dir = '';
  let mooncake = '';
  beforeAll(async () => {
    dir = await tempDir();
    mooncake = join(dir, 'mooncake.jsonl');
    await writeFile(mooncake, ARRIVALS_MS.map(mooncakeLine).join('\n') + '\n');
  });

  it('dispatches each arrival at its trace offset or later, with the lag recorded, and lengths as the trace says', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '--trace', mooncake, '-m', 'ernie-speed-8k', '-c', '16', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const { summary, rows } = await read(out);
    expect(rows).toHaveLength(12);
    let maxLag = 0;
    for (const row of rows) {
      const index = lineOf(row) - 1;
      const scheduled = Number(row['sched_offset_ms']);
      const lag = Number(row['queue_ms']);
      // Scheduled on the absolute clock at the trace's offset; sent then or later, never before.
      expect(scheduled).toBe(ARRIVALS_MS[index]);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(scheduled + lag).toBeGreaterThanOrEqual(ARRIVALS_MS[index] as number);
      maxLag = Math.max(maxLag, lag);
      expect(row['outcome']).toBe('ok');
      expect(Number(row['prompt_tokens'])).toBe(40 + index * 10);
      expect(Number(row['completion_tokens'])).toBeLessThanOrEqual(10 + index);
      // Coordinated-omission-safe latency runs from the scheduled instant.
      expect(Number(row['latency_sched_ms'])).toBeGreaterThanOrEqual(Number(row['latency_ms']));
    }
    const stage = summary.stages?.[0];
    expect(stage?.late).toBeTypeOf('number');
    expect(stage?.maxLagMs).toBeCloseTo(maxLag, 1);
    expect(stage?.offeredRatePerSec).toBeCloseTo(11 / 3, 2);
    expect(summary.load).toMatchObject({ kind: 'open', trace: { format: 'mooncake', arrivals: 12, speed: 1, spanMs: 3000, prompts: 'synthetic' } });
    // The run lasted at least the trace's span.
    expect(summary.run.durationMs).toBeGreaterThanOrEqual(3000);
  });

  it('--trace-speed 2 halves the offsets, --trace-limit keeps the first arrivals, and every model gets each arrival', async () => {
    const out = await tempDir();
    const args = ['run', ...FAST, '--trace', mooncake, '--trace-speed', '2', '--trace-limit', '6', '-m', 'ernie-speed-8k', '-m', 'ernie-lite-8k', '-c', '16'];
    const result = await runCli([...args, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const { summary, rows } = await read(out);
    expect(rows).toHaveLength(12);
    for (const cell of ['c1', 'c2']) {
      const ofCell = rows.filter((row) => row['cell'] === cell).sort((a, b) => lineOf(a) - lineOf(b));
      expect(ofCell.map(lineOf)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(ofCell.map((row) => Number(row['sched_offset_ms']))).toEqual(ARRIVALS_MS.slice(0, 6).map((ms) => ms / 2));
    }
    expect(summary.load?.trace).toMatchObject({ arrivals: 6, speed: 2, limit: 6, spanMs: 550 });

    // A replay keeps its timing only when run whole: a resume is refused before anything is sent.
    const resumed = await runCli(['run', '--resume', out, '--quiet']);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/a --trace replay cannot be resumed/);
  });

  it('replays a BurstGPT-style CSV on the OpenAI-compatible API (output length as max_tokens) and a trace of times with -d', async () => {
    const burst = join(dir, 'burst.csv');
    await writeFile(
      burst,
      [
        'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
        '5,ChatGPT,30,8,38,Conversation log',
        '5,GPT-4,20,0,20,API log',
        '6,ChatGPT,25,9000,9025,Conversation log',
      ].join('\n'),
    );
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '--provider', 'openai', '--trace', burst, '-m', 'ernie-speed-8k', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped 1 lines/);
    expect(result.stderr).toMatch(/1 of 2 output lengths are above the max output tokens of ERNIE-Speed-8K \(2048\)/);
    const { summary, rows } = await read(out);
    expect(rows.map((row) => [lineOf(row), Number(row['sched_offset_ms']), row['outcome']])).toEqual([
      [2, 0, 'ok'],
      [4, 1000, 'ok'],
    ]);
    expect(Number(rows[0]?.['completion_tokens'])).toBeLessThanOrEqual(8);
    expect(summary.load?.trace).toMatchObject({ format: 'burstgpt', skipped: 1, clippedOutputs: 1 });

    const times = join(dir, 'times.jsonl');
    await writeFile(times, '{"offset_ms": 100}\n{"offset_ms": 300}\n{"offset_ms": 300}\n');
    const timed = await tempDir();
    const fromDataset = await runCli(['run', ...FAST, '--trace', times, '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--out', timed]);
    expect(fromDataset.code, fromDataset.stderr).toBe(0);
    const replayed = await read(timed);
    expect(replayed.rows.map((row) => Number(row['sched_offset_ms'])).sort((a, b) => a - b)).toEqual([100, 300, 300]);
    expect(replayed.rows.map((row) => row['row_id']).sort()).toEqual(['summary-zh', 'translate-en-zh', 'translate-zh-en']);
  });

  it('a malformed line and a combination that makes no sense exit 2 with one line, before any request', async () => {
    const broken = join(dir, 'broken.jsonl');
    await writeFile(broken, `${mooncakeLine(0, 0)}\n{"timestamp": 10, "input_length": "many"}\n`);
    const cases: Array<[string[], RegExp]> = [
      [['--trace', broken], /broken\.jsonl:2: "input_length" must be a whole number of tokens >= 1/],
      [['--trace', mooncake, '-d', 'datasets/demo.csv'], /mooncake\.jsonl: the trace brings its own prompts or token lengths; drop -d/],
      [['--trace', mooncake, '--rate', '2'], /--trace: --rate does not go with a trace replay/],
      [['--trace', mooncake, '--duration', '5'], /--trace: --duration does not go with a trace replay/],
    ];
    for (const [flags, message] of cases) {
      const out = join(await tempDir(), 'run');
      const result = await runCli(['run', ...FAST, '-m', 'ernie-speed-8k', ...flags, '--out', out]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(out, 'requests.csv'))).toBe(false);
    }
  });
});
