/**
 * Per-service limits of custom endpoints come from the catalog (qianfan-api.md §9): an endpoint
 * declared with its base model (`customEndpoints`) gets that base's customService limits, the
 * same the client's pre-check applies. SFT services of ERNIE Speed/Lite/Tiny/Character: input
 * plus output within 8K in any split; Dolly-12B: 4,800 characters and a positive-integer top_k.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG, mergeCatalogs, type ModelEntry } from '../../src/qianfan/spec/catalog.js';
import { endpointLimits } from '../../src/sim/endpoint-limits.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { CUSTOM_ENDPOINT_LIMITS } from '../../src/sim/validation.js';
import { chatUrl, getToken, post, userMessage } from './helpers.js';

/** `tokens` sim tokens in 3 characters each ("ab " is one token), so the 28,672-character budget is not what refuses. */
const tokensOf = (tokens: number): string => 'ab '.repeat(tokens).trim();

const MY_BASE: ModelEntry = {
  name: 'My-Base',
  endpoint: '',
  customOnly: true,
  maxInputChars: 4800,
  maxInputTokens: null,
  maxOutputTokens: 2048,
  defaultMaxOutputTokens: 1024,
  params: [],
  customService: { maxInputChars: 100, maxInputTokens: null, maxOutputTokens: 512, defaultMaxOutputTokens: 256, params: ['top_k'] },
};

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({
    firstChunkMs: 1,
    msPerOutputToken: 0,
    jitter: 0,
    outputTokens: { min: 3000, max: 3000 },
    catalog: mergeCatalogs(BUILT_IN_CATALOG, [MY_BASE]),
    customEndpoints: { 'my-sft': 'ernie-speed-8k', 'my-lite': 'ERNIE-Lite-8K', 'my-dolly': 'Dolly-12B', 'my-own': 'My-Base' },
  });
  token = await getToken(sim);
});
afterAll(() => sim.close());

const ask = (endpoint: string, content: string, params: Record<string, unknown> = {}) =>
  post(chatUrl(sim, token, endpoint), { ...userMessage(content), ...params });

describe('an SFT service of ERNIE Speed/Lite: input + output within 8K in any split', () => {
  it('7K in with 1K out and 1K in with 7K out pass; a split over 8,192 is 336103', async () => {
    const sevenK = await ask('my-sft', tokensOf(7000), { max_output_tokens: 1024 });
    expect(sevenK.json.error_code).toBeUndefined();
    expect(sevenK.json.usage).toMatchObject({ prompt_tokens: 7000, completion_tokens: 1024 });
    const longOut = await ask('my-lite', tokensOf(1000), { max_output_tokens: 7000 });
    expect(longOut.json.error_code).toBeUndefined();
    expect(longOut.json.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 3000 });
    expect((await ask('my-sft', tokensOf(7200), { max_output_tokens: 1024 })).json.error_code).toBe(336103);
    expect((await ask('my-lite', tokensOf(1300), { max_output_tokens: 7000 })).json.error_code).toBe(336103);
  });

  it('max_output_tokens unset: the output side of the split is the default 1,024, and the answer is capped there', async () => {
    const within = await ask('my-sft', tokensOf(7168));
    expect(within.json.error_code).toBeUndefined();
    expect(within.json.usage).toMatchObject({ completion_tokens: 1024 });
    expect(within.json.is_truncated).toBe(true);
    expect((await ask('my-sft', tokensOf(7169))).json.error_code).toBe(336103);
  });
});

describe('a Dolly-12B service', () => {
  it('message contents over 4,800 characters are 336007', async () => {
    expect((await ask('my-dolly', 'a'.repeat(4800))).json.error_code).toBeUndefined();
    expect((await ask('my-dolly', 'a'.repeat(4801))).json.error_code).toBe(336007);
  });

  it('top_k must be a positive integer (336003)', async () => {
    expect((await ask('my-dolly', 'hi', { top_k: 5 })).json.error_code).toBeUndefined();
    for (const topK of [0, -1, 2.5, '3']) expect((await ask('my-dolly', 'hi', { top_k: topK })).json.error_code, String(topK)).toBe(336003);
  });

  it('top_k is ignored where the service does not take it', async () => {
    expect((await ask('my-sft', 'hi', { top_k: 0 })).json.error_code).toBeUndefined();
  });
});

describe('choosing the limits', () => {
  it('a base from the catalog passed to the simulator: its customService limits', async () => {
    expect((await ask('my-own', 'a'.repeat(101))).json.error_code).toBe(336007);
    expect((await ask('my-own', 'hi', { top_k: 0 })).json.error_code).toBe(336003);
    const capped = await ask('my-own', 'hi');
    expect(capped.json.usage).toMatchObject({ completion_tokens: 256 });
    expect((await ask('my-own', 'hi', { max_output_tokens: 513 })).json.error_code).toBe(336003);
  });

  it('an undeclared custom endpoint keeps the loose limits; a customOnly empty endpoint never routes', async () => {
    expect((await ask('nobody-declared', 'a'.repeat(4801))).json.error_code).toBe(336007);
    expect((await ask('nobody-declared', tokensOf(1000), { max_output_tokens: 7168 })).json.error_code).toBeUndefined();
    expect(endpointLimits(BUILT_IN_CATALOG, {}, '')).toBe(CUSTOM_ENDPOINT_LIMITS);
    expect(endpointLimits(BUILT_IN_CATALOG, { x: 'no-such-model' }, 'x')).toBe(CUSTOM_ENDPOINT_LIMITS);
  });

  it('a preset endpoint keeps its own limits whatever customEndpoints says', async () => {
    const preset = endpointLimits(BUILT_IN_CATALOG, { ernie_speed: 'Dolly-12B' }, 'ernie_speed');
    expect(preset.maxTotalTokens).toBeUndefined();
    expect(preset.maxInputChars).not.toBe(4800);
  });
});
