import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FAST = ['--sim', '--sim-opt', 'firstChunkMs=2', '--sim-opt', 'prefillMsPerToken=0.1', '--quiet'];

async function readSummary(out: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
}

describe('reranker cells through the CLI', () => {
  it('run --sim ranks each row with its documents: latency, tokens and documents per second, one cell per top_n', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '-m', 'bce-reranker-base_v1', '-d', 'datasets/rerank.csv', '-p', 'top_n=1,2', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await readSummary(out);
    expect(summary.cells.map((cell) => cell.params)).toEqual([{ top_n: 1 }, { top_n: 2 }]);
    for (const cell of summary.cells) {
      expect(cell.outcomes.ok).toBe(3);
      expect(cell.latencyMs.count).toBe(3);
      expect(cell.ttftMs.count).toBe(0);
      expect(cell.tokens.prompt).toBeGreaterThan(0);
      expect(cell.tokens.completion).toBe(0);
      expect(cell.throughput.documentsPerSec).toBeGreaterThan(0);
    }
    const rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    // datasets/rerank.csv: 3, 4 and 5 documents (a |-list, a JSON array, a |-list).
    const documentsOf = Object.fromEntries(rows.map((row) => [row.row_id, row.documents]));
    expect(documentsOf).toEqual({ 'weather-beijing': '3', 'load-test': '4', 'rerank-why': '5' });
    expect(rows.filter((row) => row.params === 'top_n=1').every((row) => /^1 document ranked: \d:0\.\d{4}$/.test(row.output ?? ''))).toBe(true);
    expect(rows.filter((row) => row.params === 'top_n=2').every((row) => /^2 documents ranked: /.test(row.output ?? ''))).toBe(true);
    const csv = await readFile(join(out, 'summary.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('documents_per_sec');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/docs(\/|&#47;)s/);
  });

  it('run --sim --provider openai sends the same cells to /v2/rerankers', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...FAST, '--provider', 'openai', '-m', 'bce-reranker-base_v1', '-d', 'datasets/rerank.csv', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const [cell] = (await readSummary(out)).cells;
    expect(cell?.outcomes.ok).toBe(3);
    expect(cell?.throughput.documentsPerSec).toBeGreaterThan(0);
  });

  it('refuses before sending a row without documents and a top_n that is not a positive integer, naming FILE:LINE', async () => {
    const dir = await tempDir();
    const dataset = join(dir, 'bad.csv');
    await writeFile(dataset, 'id,prompt,documents\na,hello,\nb,hi,"[1,2]"\nc,fine,one|two\n');
    const result = await runCli(['run', ...FAST, '-m', 'bce-reranker-base_v1', '-d', dataset, '-p', 'top_n=0', '--out', join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-p top_n=0: top_n must be a positive integer');
    expect(result.stderr).toContain(`${dataset}:2: no "documents"`);
    expect(result.stderr).toContain(`${dataset}:3: "documents" must be a non-empty JSON array of strings`);
    expect(result.stderr).not.toContain(`${dataset}:4`);
  });
});
