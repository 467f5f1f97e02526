import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { loadDataset } from '../../src/dataset/load.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0 });
});
afterAll(async () => sim.close());
const env = (): Record<string, string> => ({ QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk });

describe('every v1 endpoint family through the CLI', () => {
  it('embedding models make embedding cells: latency and tokens, beside chat cells in one run', async () => {
    const out = await tempDir();
    const before = sim.stats.embeddingRequests;
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'embedding-v1', '-m', 'ernie-speed-8k', '--out', out, '--quiet'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const embedding = summary.cells.find((cell) => cell.model === 'Embedding-V1')!;
    expect(embedding.outcomes.ok).toBe(12);
    expect(embedding.ttftMs.count).toBe(0);
    expect(embedding.latencyMs.count).toBe(12);
    expect(embedding.tokens.prompt).toBeGreaterThan(0);
    expect(embedding.tokens.completion).toBe(0);
    expect(sim.stats.embeddingRequests - before).toBe(12);
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.filter((row) => row.model === 'Embedding-V1').every((row) => row.output === '1 embedding of 384 dimensions')).toBe(true);
  });

  it('--api completions sends the prompt to completions/{endpoint}', async () => {
    const out = await tempDir();
    const before = sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/completions/ernie_speed'] ?? 0;
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--api', 'completions', '--out', out, '--quiet'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect((sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/completions/ernie_speed'] ?? 0) - before).toBe(12);
  });

  it('qfbench tokens counts each row with the tokenizer endpoint, equal to the server counts', async () => {
    const result = await runCli(['tokens', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const counted = JSON.parse(result.stdout) as { rows: Array<{ id: string; tokens: number }>; totalTokens: number; calls: number };
    const rows = await loadDataset('datasets/demo.csv');
    const expected = rows.map((row) => [row.system ?? '', ...row.messages.map((m) => m.content)].reduce((sum, text) => sum + countSimTokens(text), 0));
    expect(counted.rows.map((row) => row.tokens)).toEqual(expected);
    expect(counted.totalTokens).toBe(expected.reduce((a, b) => a + b, 0));
    // One call per distinct text: repeated system prompts are asked once.
    const distinct = new Set(rows.flatMap((row) => [...(row.system ? [row.system] : []), ...row.messages.map((m) => m.content)]));
    expect(counted.calls).toBe(distinct.size);
  });

  it('qfbench tokens refuses a model the tokenizer does not know', async () => {
    const result = await runCli(['tokens', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-turbo-8k'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the tokenizer endpoint counts for');
  });

  it('qfbench models lists chat and embedding models, as a table and as JSON', async () => {
    const table = await runCli(['models']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ERNIE-Speed-8K\s+ernie_speed\s+24000\s+6144/);
    const json = await runCli(['models', '--json']);
    const models = JSON.parse(json.stdout) as Array<{ name: string; kind?: string }>;
    expect(models.find((m) => m.name === 'Embedding-V1')?.kind).toBe('embedding');
    expect(models.length).toBeGreaterThan(40);
  });
});
