/**
 * Reasoning models on v2 (metrics definition 2): the OpenAI provider stamps the first
 * `delta.reasoning_content` apart from the first answer token, keeps the thinking out of the
 * answer, and reads `usage.completion_tokens_details.reasoning_tokens`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { deriveTimings } from '../../src/metrics/request-metrics.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { usageFrom } from '../../src/providers/usage.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let agent: Dispatcher;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 1, jitter: 0, prefillMsPerToken: 0, seed: 3 });
  agent = createAgent({ connections: 4, timeouts: DEFAULT_TIMEOUTS });
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

function provider() {
  return createOpenAIProvider({ baseUrl: `${sim.url}/v2`, apiKey: sim.credentials.bearerToken, dispatcher: agent, timeouts: DEFAULT_TIMEOUTS });
}

function chat(model: string, stream: boolean): ProviderRequest {
  return { api: 'chat', model, endpoint: model, messages: [{ role: 'user', content: 'Think, then answer.' }], params: {}, stream };
}

describe('a reasoning model through the OpenAI provider', () => {
  it('stream: the first reasoning token comes before the first answer token, which alone starts TTFT', async () => {
    const result = await provider().send(chat('deepseek-r1', true));
    expect(result.ok).toBe(true);
    const firstAnswer = result.textEventTimes[0] as number;
    expect(result.firstReasoningAt).toBeDefined();
    expect(result.firstReasoningAt as number).toBeLessThan(firstAnswer);
    const reasoningTokens = result.usage?.reasoningTokens ?? 0;
    expect(reasoningTokens).toBeGreaterThan(0);
    // The answer is the content alone; completion_tokens counts the thinking too.
    expect(result.usage?.completionTokens).toBe(countSimTokens(result.output) + reasoningTokens);

    const timings = deriveTimings({
      schedAt: result.dispatchedAt,
      dispatchedAt: result.dispatchedAt,
      textEventTimes: result.textEventTimes,
      firstReasoningAt: result.firstReasoningAt as number,
      doneAt: result.doneAt,
      stream: true,
      completionTokens: result.usage?.completionTokens as number,
      reasoningTokens,
    });
    expect(timings.ttfrtMs as number).toBeLessThan(timings.ttftMs as number);
    // TPOT over the answer's own tokens: the reasoning was decoded before t_first_tok.
    const answerTokens = countSimTokens(result.output);
    const lastAnswer = result.textEventTimes.at(-1) as number;
    if (answerTokens >= 2 && lastAnswer > firstAnswer) expect(timings.tpotMs).toBeCloseTo((lastAnswer - firstAnswer) / (answerTokens - 1), 6);
  });

  it('sync: reasoning tokens from the usage, no ttfrt, the answer without the thinking', async () => {
    const result = await provider().send(chat('ernie-x1-32k', false));
    expect(result.ok).toBe(true);
    expect(result.firstReasoningAt).toBeUndefined();
    expect(result.usage?.reasoningTokens).toBeGreaterThan(0);
    expect(result.usage?.completionTokens).toBe(countSimTokens(result.output) + (result.usage?.reasoningTokens ?? 0));
  });

  it('a model that does not reason has neither', async () => {
    const result = await provider().send(chat('ernie-speed-8k', true));
    expect(result.ok).toBe(true);
    expect(result.firstReasoningAt).toBeUndefined();
    expect(result.usage).not.toHaveProperty('reasoningTokens');
  });
});

describe('completion_tokens_details.reasoning_tokens', () => {
  it('is read when it is a count within completion_tokens, and refused otherwise', () => {
    const usage = (details: unknown) => usageFrom({ usage: { prompt_tokens: 3, completion_tokens: 10, total_tokens: 13, completion_tokens_details: details } });
    expect(usage({ reasoning_tokens: 4 })).toEqual({ promptTokens: 3, completionTokens: 10, totalTokens: 13, reasoningTokens: 4 });
    expect(usage(null)).toEqual({ promptTokens: 3, completionTokens: 10, totalTokens: 13 });
    expect(usage({})).toEqual({ promptTokens: 3, completionTokens: 10, totalTokens: 13 });
    expect(usage({ reasoning_tokens: 11 })).toEqual({ invalid: expect.stringContaining('more than completion_tokens 10') as unknown });
    expect(usage({ reasoning_tokens: '4' })).toEqual({ invalid: expect.stringContaining('not a non-negative integer') as unknown });
  });

  it('TPOT and decode_tps count answer tokens only; ttfrt needs a stream', () => {
    const base = { schedAt: 0, dispatchedAt: 10, textEventTimes: [110, 130, 150], doneAt: 160, completionTokens: 25, reasoningTokens: 20 };
    const streamed = deriveTimings({ ...base, firstReasoningAt: 30, stream: true });
    expect(streamed).toMatchObject({ ttfrtMs: 20, ttftMs: 100, tpotMs: 10, decodeTps: 100 });
    expect(deriveTimings({ ...base, firstReasoningAt: 30, stream: false }).ttfrtMs).toBeUndefined();
  });
});
