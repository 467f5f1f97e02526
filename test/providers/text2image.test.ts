import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { createAgent, DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import { clearTokenCache } from '../../src/providers/qianfan/oauth.js';
import { createQianfanProvider } from '../../src/providers/qianfan/provider.js';
import { describeImages, imagesRequested, v1Text2ImageBody } from '../../src/providers/text2image.js';
import type { ProviderRequest } from '../../src/providers/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let agent: Dispatcher;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.1, jitter: 0 });
  agent = createAgent({ connections: 4, timeouts: DEFAULT_TIMEOUTS });
  clearTokenCache();
});
afterAll(async () => {
  await agent.close();
  await sim.close();
});

function draw(params: ProviderRequest['params'] = {}): ProviderRequest {
  return { api: 'text2image', model: 'Stable-Diffusion-XL', endpoint: 'sd_xl', messages: [{ role: 'user', content: 'a red fox' }], params, stream: false };
}

describe('text2image requests', () => {
  it('send the prompt with the cell parameters, and count the images asked for', () => {
    expect(JSON.parse(v1Text2ImageBody(draw({ steps: 30, n: 2, size: '768x768' })))).toEqual({ prompt: 'a red fox', steps: 30, n: 2, size: '768x768' });
    expect(imagesRequested({})).toBe(1);
    expect(imagesRequested({ n: 3 })).toBe(3);
    expect(describeImages({ object: 'image', data: [{ b64_image: 'AAAA' }] })).toBe('1 image, 3 bytes');
    expect(describeImages({ object: 'embedding_list', data: [] })).toBeUndefined();
  });

  it('v1 posts to text2image/sd_xl and records latency, usage and what came back', async () => {
    const provider = createQianfanProvider({
      baseUrl: sim.url,
      auth: { kind: 'oauth', credentials: { ak: sim.credentials.ak, sk: sim.credentials.sk } },
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
      refreshOnExpiredToken: true,
    });
    const result = await provider.send(draw({ steps: 10, n: 2 }));
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.doneAt).toBeGreaterThan(result.dispatchedAt);
    expect(result.output).toMatch(/^2 images, \d+ bytes$/);
    expect(result.usage?.promptTokens).toBeGreaterThan(0);
    expect(result.usage?.completionTokens).toBe(0);
    const refused = await provider.send(draw({ steps: 5 }));
    expect(refused.error).toMatchObject({ code: 336003 });
  });

  it('the OpenAI-compatible provider says text-to-image is a v1 API instead of sending it', async () => {
    const provider = createOpenAIProvider({ baseUrl: `${sim.url}/v2`, apiKey: sim.credentials.bearerToken, dispatcher: agent, timeouts: DEFAULT_TIMEOUTS });
    const result = await provider.send(draw());
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ class: 'fatal', code: 'unsupported_api' });
  });
});
