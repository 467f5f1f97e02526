import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const RUN = [
  'run',
  '-d',
  'datasets/demo.csv',
  '-d',
  'datasets/multiturn.jsonl',
  '-m',
  'ernie-speed-8k',
  '-m',
  'ERNIE-Lite-8K',
  '-p',
  'temperature=0.3,0.9',
  '-c',
  '4',
  '--quiet',
];
const SAME = [
  'cell',
  'model',
  'endpoint',
  'params',
  'row_id',
  'repeat',
  'outcome',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'usage_source',
  'output',
];

async function outputs(out: string): Promise<{ rows: Record<string, string>[]; summary: RunSummary }> {
  const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  rows.sort((a, b) => `${a.cell}/${a.row_id}`.localeCompare(`${b.cell}/${b.row_id}`));
  return { rows, summary: JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary };
}

describe('--provider openai (Qianfan v2 / OpenAI-compatible)', () => {
  it('runs the same datasets and produces the same requests.csv and summary.json figures as the v1 provider', async () => {
    const [v1Sim, v2Sim] = await Promise.all([
      startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0, seed: 5 }),
      startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0, seed: 5 }),
    ]);
    try {
      const [v1Out, v2Out] = [await tempDir(), await tempDir()];
      const v1 = await runCli([...RUN, '--out', v1Out], {
        env: { QIANFAN_BASE_URL: v1Sim.url, QIANFAN_AK: v1Sim.credentials.ak, QIANFAN_SK: v1Sim.credentials.sk },
      });
      const v2 = await runCli([...RUN, '--provider', 'openai', '--base-url', `${v2Sim.url}/v2`, '--out', v2Out], {
        env: { OPENAI_API_KEY: v2Sim.credentials.bearerToken },
      });
      expect(v1.code, v1.stderr).toBe(0);
      expect(v2.code, v2.stderr).toBe(0);
      const a = await outputs(v1Out);
      const b = await outputs(v2Out);
      expect(a.rows.length).toBe(72);
      expect(b.rows.map((row) => SAME.map((key) => row[key]))).toEqual(a.rows.map((row) => SAME.map((key) => row[key])));
      expect(b.rows.every((row) => row.outcome === 'ok' && Number(row.ttft_ms) > 0)).toBe(true);
      expect(b.summary.run.provider).toBe('openai');
      for (const [index, cell] of a.summary.cells.entries()) {
        const other = b.summary.cells[index]!;
        expect(other.label).toBe(cell.label);
        expect(other.tokens).toEqual(cell.tokens);
        expect(other.outcomes).toEqual(cell.outcomes);
      }
      expect(v2.stderr).not.toContain(v2Sim.credentials.bearerToken);
    } finally {
      await Promise.all([v1Sim.close(), v2Sim.close()]);
    }
  });

  it('runs against the simulator with --sim, and a model outside the catalog passes through with a warning', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '--provider',
      'openai',
      '-d',
      'datasets/multiturn.jsonl',
      '-m',
      'ernie-speed-8k',
      '--sim-opt',
      'firstChunkMs=2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const unknown = await runCli([
      'run',
      '--sim',
      '--provider',
      'openai',
      '-d',
      'datasets/multiturn.jsonl',
      '-m',
      'my-vllm-model',
      '--sim-opt',
      'firstChunkMs=2',
      '--out',
      await tempDir(),
      '--quiet',
    ]);
    expect(unknown.stderr).toContain('my-vllm-model is not in the model catalog');
    // The simulator knows only catalog models: every request is answered 401 invalid_model, so
    // nothing succeeded and the run is aborted (exit 4) naming the code.
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('invalid_model');
  });

  it('a reasoning model (--sim, deepseek-r1): requests.csv has ttfrt_ms and reasoning_tokens, the summary its ttfrtMs and reasoning sums', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '--provider',
      'openai',
      '-d',
      'datasets/demo.csv',
      '-m',
      'ernie-speed-8k',
      '-m',
      'deepseek-r1',
      '--sim-opt',
      'firstChunkMs=2',
      '--sim-opt',
      'msPerOutputToken=0.5',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('TTFRT p50 ms');
    const { rows: all, summary } = await outputs(out);
    // Whichever model answered first, every row has the reasoning columns; only the reasoning model fills them.
    const other = all.filter((row) => row.model === 'ERNIE-Speed-8K');
    expect(other.length).toBeGreaterThan(0);
    expect(other.every((row) => row.ttfrt_ms === '' && row.reasoning_tokens === '')).toBe(true);
    const rows = all.filter((row) => row.model === 'DeepSeek-R1');
    expect(rows.length).toBe(other.length);
    for (const row of rows) {
      expect(row.outcome).toBe('ok');
      // TTFT is the first answer token: it comes after the first reasoning token.
      expect(Number(row.ttfrt_ms)).toBeGreaterThan(0);
      expect(Number(row.ttft_ms)).toBeGreaterThan(Number(row.ttfrt_ms));
      expect(Number(row.reasoning_tokens)).toBeGreaterThan(0);
      expect(Number(row.completion_tokens)).toBeGreaterThan(Number(row.reasoning_tokens));
    }
    expect(summary.run.metricsDefinitionVersion).toBe(2);
    expect(summary.cells.find((c) => c.model === 'ERNIE-Speed-8K')).not.toHaveProperty('ttfrtMs');
    const cell = summary.cells.find((c) => c.model === 'DeepSeek-R1')!;
    expect(cell.ttfrtMs?.count).toBe(rows.length);
    expect(cell.ttfrtMs!.p50).toBeLessThan(cell.ttftMs.p50);
    expect(cell.tokens.reasoning).toBe(rows.reduce((sum, row) => sum + Number(row.reasoning_tokens), 0));
    expect(cell.histograms.ttfrt).toBeDefined();
    const csv = await readFile(join(out, 'summary.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('ttfrt_p50_ms,ttfrt_p90_ms,ttfrt_p99_ms,reasoning_tokens');
  });

  it('without a key says where to put one', async () => {
    const result = await runCli(['run', '--provider', 'openai', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--api-key, or QIANFAN_BEARER_TOKEN/);
  });
});
