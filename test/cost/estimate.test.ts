import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/run-config.js';
import { builtInPriceEntries, type PriceTable } from '../../src/cost/prices.js';
import { estimateTokens } from '../../src/qianfan/spec/token-estimate.js';
import { loadDataset } from '../../src/dataset/load.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { DEFAULT_EXPECTED_OUTPUT_TOKENS, DEFAULT_LOW_OUTPUT_TOKENS } from '../../src/cost/estimate-output.js';
import { distinctPromptTexts, estimateRun } from '../../src/cost/estimate-plan.js';
import type { RunEstimate } from '../../src/cost/estimate-types.js';
import { promptPieces } from '../../src/cost/prompt-pieces.js';
import { prepareRun } from '../../src/run/prepare-run.js';
import { createLogger } from '../../src/util/logger.js';
import { makeCell, makeSummary } from '../report/fixtures.js';

const PRICES: PriceTable = { builtIn: builtInPriceEntries(), overrides: [] };
const quiet = createLogger({ quiet: true, stream: { write: () => true } as unknown as NodeJS.WritableStream });

async function estimate(
  flags: Partial<RunConfigInput>,
  extra: { earlier?: RunSummary; deadlineSeconds?: number; runsPerDay?: number; priceDate?: string } = {},
): Promise<RunEstimate> {
  const config = parseRunConfig({ datasets: ['datasets/demo.csv'], ...flags });
  const prepared = await prepareRun(config, quiet);
  return estimateRun({
    config,
    prepared,
    prices: PRICES,
    priceDate: extra.priceDate ?? '2025-01-02',
    tokenizer: 'local',
    ...(extra.earlier !== undefined ? { earlier: { summary: extra.earlier, dir: 'earlier' } } : {}),
    ...(extra.deadlineSeconds !== undefined ? { deadlineSeconds: extra.deadlineSeconds } : {}),
    ...(extra.runsPerDay !== undefined ? { runsPerDay: extra.runsPerDay } : {}),
  });
}

describe('estimateRun', () => {
  it('counts the planned requests per model and in total, and the offline input tokens of every request', async () => {
    const rows = await loadDataset('datasets/demo.csv');
    const perRow = rows.map((row) => promptPieces(row, 'chat').reduce((sum, text) => sum + estimateTokens(text), 0));
    const result = await estimate({ models: ['ernie-4.0-8k', 'ernie-speed-8k'], params: ['temperature=0.3,0.9'], repeat: 3 });
    expect(result.models.map((model) => [model.model, model.requests])).toEqual([
      ['ERNIE-4.0-8K', 72],
      ['ERNIE-Speed-8K', 72],
    ]);
    expect(result.total.requests).toBe(144);
    const oneCell = perRow.reduce((a, b) => a + b, 0) * 3;
    expect(result.models[0]!.inputTokens).toBe(oneCell * 2);
    expect(result.total.inputTokens).toBe(oneCell * 4);
    expect(result.models[0]!.cells).toHaveLength(2);
  });

  it('output tokens: high is max_output_tokens or the model default, expected and low the documented assumptions', async () => {
    const result = await estimate({ models: ['ernie-4.0-8k'], params: ['max_output_tokens=100,2000'] });
    const [small, large] = result.models[0]!.cells;
    expect(small!.outputTokensPerRequest).toEqual({ low: DEFAULT_LOW_OUTPUT_TOKENS, expected: 100, high: 100 });
    expect(large!.outputTokensPerRequest).toEqual({ low: DEFAULT_LOW_OUTPUT_TOKENS, expected: DEFAULT_EXPECTED_OUTPUT_TOKENS, high: 2000 });
    const plain = await estimate({ models: ['ernie-speed-8k'] });
    expect(plain.models[0]!.cells[0]!.outputTokensPerRequest.high).toBe(1024);
    expect(plain.models[0]!.outputTokens).toEqual({ low: 12 * 32, expected: 12 * 200, high: 12 * 1024 });
  });

  it('prices each figure on the date, and an unpriced model stays unknown in its own and the total cost', async () => {
    const result = await estimate({ models: ['ernie-4.0-8k', 'meta-llama-3-8b'] });
    const ernie = result.models[0]!;
    const input = ernie.inputTokens;
    expect(ernie.costCny.expected).toBeCloseTo(((input + 12 * 200) / 1000) * 0.12, 6);
    expect(ernie.costCny.high).toBeCloseTo(((input + 12 * 1024) / 1000) * 0.12, 6);
    expect(result.models[1]!.price).toBeNull();
    expect(result.models[1]!.costCny).toEqual({ low: null, expected: null, high: null });
    expect(result.total.costCny).toEqual({ low: null, expected: null, high: null });
    expect(result.total.unpricedModels).toEqual(['Meta-Llama-3-8B']);
    const speedBefore = await estimate({ models: ['ernie-speed-8k'] }, { priceDate: '2024-05-20' });
    const speedAfter = await estimate({ models: ['ernie-speed-8k'] }, { priceDate: '2024-05-21' });
    expect(speedBefore.models[0]!.price).toMatchObject({ inputPer1k: 0.004, outputPer1k: 0.008 });
    expect(speedBefore.total.costCny.expected).toBeGreaterThan(0);
    expect(speedAfter.total.costCny).toEqual({ low: 0, expected: 0, high: 0 });
  });

  it('takes expected and low output from an earlier run with the same model and parameters', async () => {
    const earlier = makeSummary({
      cells: [
        makeCell({
          model: 'ERNIE-4.0-8K',
          params: { temperature: 0.3 },
          completionTokensPerRequest: { count: 10, min: 40, mean: 90, p50: 80, p90: 150, p95: 160, p99: 170, p999: 170, max: 180 },
        }),
      ],
    });
    const result = await estimate({ models: ['ernie-4.0-8k'], params: ['temperature=0.3,0.9'] }, { earlier });
    const [seen, unseen] = result.models[0]!.cells;
    expect(seen).toMatchObject({ outputFrom: 'earlier run', outputTokensPerRequest: { low: 40, expected: 90, high: 1024 } });
    expect(unseen).toMatchObject({ outputFrom: 'assumption', outputTokensPerRequest: { low: 32, expected: 200, high: 1024 } });
  });

  it('sweeps and bounds: one plan per stage, --max-requests and --rate x --duration', async () => {
    expect((await estimate({ models: ['ernie-speed-8k'], concurrency: '1,4' })).total.requests).toBe(24);
    const capped = await estimate({ models: ['ernie-speed-8k', 'ernie-4.0-8k'], maxRequests: 15 });
    expect(capped.total.requests).toBe(15);
    expect(capped.models.map((model) => model.requests).sort()).toEqual([7, 8]);
    expect((await estimate({ models: ['ernie-speed-8k'], rate: '2,4', duration: 10 })).total.requests).toBe(60);
    await expect(estimate({ models: ['ernie-speed-8k'], duration: 10 })).rejects.toThrow(/--duration: a closed-loop run bounded by time/);
  });

  it('quota: time to finish under --rpm/--tpm or the limits an earlier run learned, and what a deadline needs', async () => {
    const flags = await estimate({ models: ['ernie-4.0-8k'], repeat: 10, rpm: 60, tpm: 1_000_000 }, { deadlineSeconds: 600 });
    const quota = flags.models[0]!.quota;
    // 120 requests at 60 x 0.97 per minute.
    expect(quota).toMatchObject({ rpm: 58.2, limitedBy: 'rpm' });
    expect(quota.timeSeconds.expected).toBeCloseTo((120 / 58.2) * 60, 0);
    expect(quota.needed).toMatchObject({ deadlineSeconds: 600, rpm: 12 });
    expect(flags.total.quota.timeSeconds.expected).toBe(quota.timeSeconds.expected);

    const earlier = makeSummary();
    earlier.stages = [
      {
        load: { kind: 'concurrency', value: 8 },
        planned: 1,
        started: 1,
        completed: 1,
        windowMs: 1,
        dispatchedRatePerSec: 1,
        completedRatePerSec: 1,
        limiters: { 'chat/completions_pro': { throttled: 0, concurrency: 8, requestBudget: 291, tokenBudget: 2910 } },
      },
    ];
    const learned = await estimate({ models: ['ernie-4.0-8k'], repeat: 10 }, { earlier });
    expect(learned.models[0]!.quota).toMatchObject({ rpm: 291, tpm: 2910, limitedBy: 'tpm' });
    const tokens = learned.models[0]!.inputTokens + learned.models[0]!.outputTokens.expected;
    expect(learned.models[0]!.quota.timeSeconds.expected).toBeCloseTo((tokens / 2910) * 60, 0);

    const none = await estimate({ models: ['ernie-4.0-8k'] });
    expect(none.models[0]!.quota.timeSeconds).toEqual({ expected: null, high: null });
  });

  it('CI budget: cost per run, per day and per 30 days', async () => {
    const result = await estimate({ models: ['ernie-4.0-8k'] }, { runsPerDay: 24 });
    const perRun = result.total.costCny.expected as number;
    expect(result.ci?.costCny.perDay.expected).toBeCloseTo(perRun * 24, 5);
    expect(result.ci?.costCny.per30Days.expected).toBeCloseTo(perRun * 720, 4);
  });

  it('counts input tokens with the counter it is given, once per distinct text (what a server tokenizer is asked)', async () => {
    const config = parseRunConfig({ datasets: ['datasets/demo.csv'], models: ['ernie-speed-8k', 'ernie-4.0-8k'], repeat: 2 });
    const prepared = await prepareRun(config, quiet);
    const texts = distinctPromptTexts(config, prepared);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).toEqual(expect.arrayContaining(prepared.rows.flatMap((row) => promptPieces(row, 'chat')).filter((text) => text !== '')));
    const asked: string[] = [];
    const result = estimateRun({
      config,
      prepared,
      prices: PRICES,
      priceDate: '2025-01-02',
      tokenizer: 'server',
      countTokens: (text) => (asked.push(text), 10),
    });
    expect(asked.sort()).toEqual([...texts].sort());
    const piecesPerPass = prepared.rows.reduce((sum, row) => sum + promptPieces(row, 'chat').filter((text) => text !== '').length, 0);
    expect(result.total.inputTokens).toBe(piecesPerPass * 10 * 2 * 2);
    expect(result.tokenizer).toBe('server');
  });
});
