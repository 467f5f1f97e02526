/** Cost, budgets and `qfbench estimate` through the built CLI, against a simulator on port 0. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import type { RunSummary } from '../../src/metrics/types.js';
import type { RunEstimate } from '../../src/cost/estimate-types.js';
import { promptPieces } from '../../src/cost/prompt-pieces.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0, seed: 5 });
});
afterAll(async () => sim.close());
const env = (): Record<string, string> => ({ QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk });
const DATE = ['--price-date', '2025-01-02'];

async function readRun(out: string): Promise<{ summary: RunSummary; requests: Record<string, string>[]; csv: Record<string, string>[]; html: string }> {
  return {
    summary: JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary,
    requests: parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[],
    csv: parse(await readFile(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[],
    html: await readFile(join(out, 'report.html'), 'utf8'),
  };
}

describe('qfbench estimate', () => {
  it('sends no chat request; with --tokenizer server its input tokens equal the simulator counts and a real run', async () => {
    const flags = [
      '-d',
      'datasets/demo.csv',
      '-d',
      'datasets/multiturn.jsonl',
      '-m',
      'ernie-4.0-8k',
      '-m',
      'ernie-speed-8k',
      '-p',
      'temperature=0.3,0.9',
      '--repeat',
      '2',
      ...DATE,
    ];
    const before = {
      http: sim.stats.httpRequests,
      chat: sim.stats.chatRequests,
      tokenizer: sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/tokenizer/erniebot'] ?? 0,
    };

    const local = await runCli(['estimate', ...flags, '--json'], { env: env() });
    expect(local.code, local.stderr).toBe(0);
    expect(sim.stats.httpRequests).toBe(before.http); // offline: nothing at all was sent

    const server = await runCli(['estimate', ...flags, '--tokenizer', 'server', '--json'], { env: env() });
    expect(server.code, server.stderr).toBe(0);
    expect(sim.stats.chatRequests).toBe(before.chat);
    const estimate = JSON.parse(server.stdout) as RunEstimate;
    const rows = [...(await loadDataset('datasets/demo.csv')), ...(await loadDataset('datasets/multiturn.jsonl'))];
    const pieces = rows.flatMap((row) => promptPieces(row, 'chat'));
    const perPlanPass = pieces.reduce((sum, text) => sum + countSimTokens(text), 0);
    // 2 models x 2 temperatures x 2 repeats of every row.
    expect(estimate.total.requests).toBe(rows.length * 8);
    expect(estimate.total.inputTokens).toBe(perPlanPass * 8);
    expect(estimate.models.map((model) => model.inputTokens)).toEqual([perPlanPass * 4, perPlanPass * 4]);
    // One tokenizer call per distinct text.
    expect(estimate.tokenizerCalls).toBe(new Set(pieces).size);
    expect((sim.stats.byPath['/rpc/2.0/ai_custom/v1/wenxinworkshop/tokenizer/erniebot'] ?? 0) - before.tokenizer).toBe(new Set(pieces).size);
    expect(estimate.total.costCny.expected).toBeGreaterThan(0);
    expect(Object.keys(estimate.total)).toEqual(expect.arrayContaining(['requests', 'inputTokens', 'outputTokens', 'costCny', 'quota']));

    // The run with the same flags sends exactly those prompt tokens.
    const out = await tempDir();
    const promptBefore = sim.stats.promptTokens;
    const run = await runCli(['run', ...flags, '--out', out, '--quiet'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(sim.stats.promptTokens - promptBefore).toBe(estimate.total.inputTokens);
    const { summary } = await readRun(out);
    expect(summary.cost?.tokens.prompt).toBe(estimate.total.inputTokens);
  });

  it('prints a human table with the quota time, the deadline and the CI budget', async () => {
    const result = await runCli(
      [
        'estimate',
        '-d',
        'datasets/demo.csv',
        '-m',
        'ernie-4.0-8k',
        '-m',
        'meta-llama-3-8b',
        '--rpm',
        '300',
        '--deadline',
        '10m',
        '--runs-per-day',
        '24',
        ...DATE,
      ],
      {
        env: env(),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^ERNIE-4\.0-8K\s+12\s+[\d,]+\s+384 \/ 2,400 \/ 12,288\s+¥[\d.]+ \/ ¥[\d.]+ \/ ¥[\d.]+\s+0\.12 \/ 0\.12 \(from 2024-01-01\)$/m,
    );
    expect(result.stdout).toMatch(/^Meta-Llama-3-8B\s+12\s+.*\bunknown\s+unknown$/m);
    expect(result.stdout).toMatch(/^total\s+24\s+.*\bunknown$/m);
    expect(result.stdout).toContain('ERNIE-4.0-8K: 291 requests per 60 s (--rpm at the limiter');
    expect(result.stdout).toContain('To finish within 10.0 min, per 60 s window:');
    expect(result.stdout).toMatch(/CI budget at 24 run\(s\) a day.*per run unknown; per day unknown; per 30 days unknown/);
    const bad = await runCli(['estimate', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--deadline', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--deadline soon: expected a duration like 10m');
  });

  it('--from DIR takes the expected output per cell from an earlier run', async () => {
    const out = await tempDir();
    const run = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--out', out, '--quiet', ...DATE], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    const { summary } = await readRun(out);
    const result = await runCli(['estimate', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--tokenizer', 'server', '--from', out, '--json', ...DATE], {
      env: env(),
    });
    expect(result.code, result.stderr).toBe(0);
    const estimate = JSON.parse(result.stdout) as RunEstimate;
    expect(estimate.models[0]!.cells[0]!.outputFrom).toBe('earlier run');
    // Same prompts, the observed mean answer: the expected cost is what the run cost.
    expect(estimate.total.outputTokens.expected).toBe(summary.cells[0]!.tokens.completion);
    expect(estimate.total.costCny.expected).toBeCloseTo(summary.cost!.totalCny as number, 4);
  });
});

describe('cost during and after a run', () => {
  it('--max-cost stops dispatching at the budget: the rest is dropped with the reason, exit code 4', async () => {
    const out = await tempDir();
    const chatBefore = sim.stats.chatRequests;
    const result = await runCli(
      ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--repeat', '4', '-c', '1', '--max-cost', '0.05', '--out', out, ...DATE],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/run aborted: budget stop: --max-cost 0\.05 CNY reached/);
    expect(result.stderr).toMatch(/\| cost ¥[\d.]+\/¥0\.0500/); // the live view's cost so far
    const { summary, requests, csv } = await readRun(out);
    expect(requests).toHaveLength(48);
    const ok = requests.filter((row) => row.outcome === 'ok');
    const dropped = requests.filter((row) => row.outcome === 'dropped');
    expect(ok.length + dropped.length).toBe(48);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((row) => row.error_msg?.startsWith('budget stop: --max-cost 0.05 CNY reached'))).toBe(true);
    expect(sim.stats.chatRequests - chatBefore).toBe(ok.length);
    // One at a time: every request but the last went out below the budget, and the last reached it.
    const costs = ok.map((row) => ((Number(row.prompt_tokens) + Number(row.completion_tokens)) / 1000) * 0.12);
    const total = costs.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(0.05);
    expect(total - (costs.at(-1) as number)).toBeLessThan(0.05);
    expect(summary.cost?.totalCny).toBeCloseTo(total, 5);
    expect(summary.cost?.budget).toMatchObject({ maxCostCny: 0.05, dropped: dropped.length });
    expect(summary.cells[0]!.outcomes.dropped).toBe(dropped.length);
    expect(csv.at(-1)).toMatchObject({ cell: 'TOTAL', dropped: String(dropped.length) });
    expect(result.stdout).toMatch(/budget stop: --max-cost 0\.05 CNY reached .*; \d+ request\(s\) dropped/);
  });

  it('--max-tokens stops the same way', async () => {
    const out = await tempDir();
    const result = await runCli(
      ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-c', '1', '--max-tokens', '300', '--out', out, '--quiet', ...DATE],
      { env: env() },
    );
    expect(result.code).toBe(4);
    const { summary, requests } = await readRun(out);
    expect(requests.some((row) => row.outcome === 'dropped' && row.error_msg?.startsWith('budget stop: --max-tokens 300 reached'))).toBe(true);
    expect(summary.cost!.tokens.total).toBeGreaterThanOrEqual(300);
  });

  it('an unknown price stays unknown in every output: summary.json null, summary.csv, console, report.html', async () => {
    const out = await tempDir();
    const result = await runCli(
      ['run', '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '-m', 'meta-llama-3-8b', '--endpoint', 'my_service', '--out', out, ...DATE],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    const { summary, csv, html } = await readRun(out);
    const byModel = new Map(summary.cells.map((cell) => [cell.model, cell.cost]));
    expect(byModel.get('ERNIE-4.0-8K')?.cny).toBeGreaterThan(0);
    expect(byModel.get('ERNIE-4.0-8K')?.price).toMatchObject({ inputPer1k: 0.12, effectiveFrom: '2024-01-01', source: expect.stringContaining('SDK') });
    for (const model of ['Meta-Llama-3-8B', 'my_service'])
      expect(byModel.get(model)).toMatchObject({ cny: null, inputCny: null, outputCny: null, price: null });
    expect(summary.cost).toMatchObject({ totalCny: null, unpricedModels: ['Meta-Llama-3-8B', 'my_service'], priceDate: '2025-01-02' });
    expect(csv.filter((row) => row.model !== 'ERNIE-4.0-8K').map((row) => row.cost_cny)).toEqual(['unknown', 'unknown', 'unknown']); // two cells and TOTAL
    expect(result.stdout).toMatch(/Meta-Llama-3-8B\s.*\sunknown$/m);
    expect(result.stdout).toMatch(/my_service\s.*\sunknown$/m);
    expect(result.stdout).toContain('total cost: unknown (no price for Meta-Llama-3-8B, my_service;');
    // Two unpriced cells in the table's three cost columns (CNY, and ¥ / 1k req in two column sets) and the run's total line.
    expect(html.match(/<span class="unknown">unknown<\/span>/g)).toHaveLength(7);
    expect(html).toMatch(/Total cost:<\/strong> <span class="unknown">unknown<\/span> \(no price for Meta-Llama-3-8B, my_service/);
    expect(html).toContain('Cost unknown for: Meta-Llama-3-8B, my_service.');
    // --max-cost cannot be kept without a price: refused before anything is sent.
    const before = sim.stats.httpRequests;
    const refused = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'meta-llama-3-8b', '--max-cost', '1', '--out', await tempDir()], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--max-cost: no price is known for Meta-Llama-3-8B');
    expect(sim.stats.httpRequests).toBe(before);
  });

  it('--prices FILE prices an unknown model; a malformed file is refused naming the entry and field, before any request', async () => {
    const dir = await tempDir();
    const good = join(dir, 'prices.json');
    await writeFile(
      good,
      JSON.stringify({ prices: [{ model: 'Meta-Llama-3-8B', inputPer1k: 0.002, outputPer1k: 0.004, effectiveFrom: '2024-06-01', source: 'our contract' }] }),
    );
    const out = await tempDir();
    const priced = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'meta-llama-3-8b', '--prices', good, '--out', out, '--quiet', ...DATE], {
      env: env(),
    });
    expect(priced.code, priced.stderr).toBe(0);
    const { summary } = await readRun(out);
    expect(summary.cells[0]!.cost?.price).toMatchObject({ source: 'our contract', effectiveFrom: '2024-06-01' });
    expect(summary.cost?.totalCny).toBeCloseTo((summary.cells[0]!.tokens.prompt * 0.002 + summary.cells[0]!.tokens.completion * 0.004) / 1000, 6);
    expect(summary.cost?.pricesFile).toBe(good);

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        prices: [
          { model: 'ERNIE-4.0-8K', inputPer1k: 0.12, outputPer1k: 0.12 },
          { model: 'ERNIE-Speed-8K', inputPer1k: '0.004', outputPer1k: 0.008 },
        ],
      }),
    );
    const before = sim.stats.httpRequests;
    for (const command of ['run', 'estimate']) {
      const result = await runCli([command, '-d', 'datasets/demo.csv', '-m', 'ernie-4.0-8k', '--prices', bad, '--out', await tempDir()], { env: env() });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--prices ${bad}: prices[1] (ERNIE-Speed-8K).inputPer1k: expected the CNY price per 1,000 input tokens`);
    }
    expect(sim.stats.httpRequests).toBe(before);
  });

  it('--estimate-check prints the estimate before the run and beside the actual figures after it', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--sim',
      '--sim-opt',
      'firstChunkMs=2',
      '--sim-opt',
      'msPerOutputToken=0.1',
      '-d',
      'datasets/demo.csv',
      '-m',
      'ernie-4.0-8k',
      '--estimate-check',
      '--out',
      out,
      ...DATE,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /estimate before the run: 12 requests, \d+ input tokens \(offline estimate\), 384\/2400\/12288 output tokens .*\[SIMULATED run\]/,
    );
    expect(result.stdout).toMatch(/estimate check:\n.*estimate \(low \/ expected \/ high\)\s+actual\n\s+requests\s+12\s+12 \(12 ok\)/);
    expect(result.stdout).toMatch(/total cost: ¥[\d.]+ at the prices of 2025-01-02 \(SIMULATED: simulator token counts at real prices\)/);
    const { summary } = await readRun(out);
    expect(summary.cost?.simulated).toBe(true);
    expect(summary.cells[0]!.cost?.simulated).toBe(true);
    expect(summary.cost?.estimateCheck?.estimate.requests).toBe(12);
    expect(summary.cost?.estimateCheck?.actual.costCny).toBe(summary.cost?.totalCny);
  });
});
