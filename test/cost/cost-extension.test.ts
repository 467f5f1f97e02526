import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/run-config.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { createCostExtension } from '../../src/run/cost-extension.js';
import { prepareRun } from '../../src/run/prepare-run.js';
import { createLogger } from '../../src/util/logger.js';
import { makeCell, makeRecord, makeSummary } from '../report/fixtures.js';

const quiet = createLogger({ quiet: true, stream: { write: () => true } as unknown as NodeJS.WritableStream });

async function extension(flags: Partial<RunConfigInput>) {
  const config = parseRunConfig({ datasets: ['datasets/demo.csv'], priceDate: '2025-01-02', ...flags });
  return createCostExtension(config, await prepareRun(config, quiet), quiet);
}

function finished(overrides: Partial<RequestRecord> & Record<string, unknown>): FinishedRequest {
  return { record: makeRecord(overrides), interChunkMs: [] } as unknown as FinishedRequest;
}

describe('the cost extension', () => {
  it('prices ok requests per cell, ignores failed and replayed ones, and leaves unpriced cells unknown', async () => {
    const cost = await extension({ models: ['ernie-4.0-8k', 'meta-llama-3-8b'] });
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', promptTokens: 1000, completionTokens: 500 }));
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', outcome: 'failed', promptTokens: 1000, completionTokens: 500 }));
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', promptTokens: 1000, completionTokens: 500, replayed: true }));
    cost.onRequest?.(finished({ cellId: 'c2', model: 'Meta-Llama-3-8B', promptTokens: 10, completionTokens: 20, usageSource: 'estimate' }));
    expect(cost.liveText?.()).toBe('cost unknown (¥0.180 priced)');
    const summary = makeSummary({ cells: [makeCell({ id: 'c1', model: 'ERNIE-4.0-8K' }), makeCell({ id: 'c2', model: 'Meta-Llama-3-8B' })] });
    await cost.decorateSummary?.(summary);
    expect(summary.cells[0]!.cost).toMatchObject({ cny: 0.18, inputCny: 0.12, outputCny: 0.06, price: { inputPer1k: 0.12 }, estimatedTokenRequests: 0 });
    expect(summary.cells[1]!.cost).toMatchObject({ cny: null, inputCny: null, outputCny: null, price: null, estimatedTokenRequests: 1 });
    expect(summary.cost).toMatchObject({
      totalCny: null,
      knownCny: 0.18,
      unpricedModels: ['Meta-Llama-3-8B'],
      priceDate: '2025-01-02',
      tokens: { prompt: 1010, completion: 520, total: 1530 },
    });
    expect(cost.stopReason?.()).toBeUndefined();
    expect(cost.abortReason?.()).toBeUndefined();
    expect(cost.liveText?.()).toBeUndefined();
  });

  it('stops dispatching once --max-cost is reached, counts the drops and reports the run aborted', async () => {
    const cost = await extension({ models: ['ernie-4.0-8k'], maxCost: 0.2 });
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', promptTokens: 1000, completionTokens: 500 }));
    expect(cost.stopReason?.()).toBeUndefined();
    expect(cost.liveText?.()).toBe('cost ¥0.180/¥0.200');
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', promptTokens: 100, completionTokens: 100 }));
    const reason = cost.stopReason?.();
    expect(reason).toBe('budget stop: --max-cost 0.2 CNY reached (¥0.204 spent when dispatching stopped)');
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-4.0-8K', outcome: 'dropped', errorMsg: reason }));
    const summary = makeSummary({ cells: [makeCell({ id: 'c1', model: 'ERNIE-4.0-8K' })] });
    await cost.decorateSummary?.(summary);
    expect(summary.cost?.budget).toEqual({ maxCostCny: 0.2, stopReason: reason, dropped: 1 });
    expect(cost.abortReason?.()).toBe(reason);
  });

  it('--max-tokens counts prompt and completion tokens', async () => {
    const cost = await extension({ models: ['ernie-speed-8k'], maxTokens: 100 });
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-Speed-8K', promptTokens: 40, completionTokens: 59 }));
    expect(cost.stopReason?.()).toBeUndefined();
    cost.onRequest?.(finished({ cellId: 'c1', model: 'ERNIE-Speed-8K', promptTokens: 1, completionTokens: 0 }));
    expect(cost.stopReason?.()).toBe('budget stop: --max-tokens 100 reached (100 tokens used when dispatching stopped)');
  });

  it('refuses --max-cost when a model has no price', async () => {
    await expect(extension({ models: ['meta-llama-3-8b'], maxCost: 1 })).rejects.toThrow('--max-cost: no price is known for Meta-Llama-3-8B on 2025-01-02');
  });
});
