import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';

const V2_PATH = '/v2/chat/completions';

interface Delta {
  role?: string;
  content?: string;
  reasoning_content?: string;
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

interface Chunk {
  choices: Array<{ delta: Delta; finish_reason: string | null }>;
  usage?: Usage | null;
}

/** Each `data:` chunk with the arrival of the socket data that held it. */
async function streamV2(sim: RunningSimulator, body: Record<string, unknown>): Promise<Array<{ at: number; chunk: Chunk | '[DONE]' }>> {
  const response = await request(`${sim.url}${V2_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.credentials.bearerToken}` },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  expect(response.statusCode).toBe(200);
  const events: Array<{ at: number; chunk: Chunk | '[DONE]' }> = [];
  let buffered = '';
  for await (const data of response.body) {
    const at = performance.now();
    buffered += (data as Buffer).toString('utf8');
    const blocks = buffered.split('\n\n');
    buffered = blocks.pop() ?? '';
    for (const block of blocks) {
      const payload = block.replace(/^data: /, '');
      events.push({ at, chunk: payload === '[DONE]' ? '[DONE]' : (JSON.parse(payload) as Chunk) });
    }
  }
  return events;
}

async function syncV2(sim: RunningSimulator, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await request(`${sim.url}${V2_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.credentials.bearerToken}` },
    body: JSON.stringify(body),
  });
  expect(response.statusCode).toBe(200);
  return (await response.body.json()) as Record<string, unknown>;
}

describe('v2 reasoning models on the simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 1, jitter: 0.1, seed: 7 });
  });
  afterAll(() => sim.close());

  const body = { model: 'deepseek-r1', messages: [{ role: 'user', content: 'Why is the sky blue?' }] };

  it('streams delta.reasoning_content first, then delta.content, with reasoning tokens in the usage', async () => {
    const events = await streamV2(sim, body);
    expect(events.at(-1)?.chunk).toBe('[DONE]');
    const chunks = events.flatMap((event) => (event.chunk === '[DONE]' ? [] : [{ at: event.at, chunk: event.chunk }]));
    const deltas = chunks.flatMap(({ at, chunk }) => chunk.choices.map((choice) => ({ at, delta: choice.delta })));
    const reasoning = deltas.filter(({ delta }) => (delta.reasoning_content ?? '') !== '');
    const answer = deltas.filter(({ delta }) => (delta.content ?? '') !== '');
    expect(reasoning.length).toBeGreaterThan(1);
    expect(answer.length).toBeGreaterThan(0);
    // Every reasoning chunk comes before the first answer chunk, and no chunk carries both.
    const lastReasoning = deltas.lastIndexOf(reasoning.at(-1) as (typeof deltas)[number]);
    const firstAnswer = deltas.indexOf(answer[0] as (typeof deltas)[number]);
    expect(lastReasoning).toBeLessThan(firstAnswer);
    expect(deltas.some(({ delta }) => (delta.reasoning_content ?? '') !== '' && (delta.content ?? '') !== '')).toBe(false);
    // The thinking takes time: the first answer token arrives after the first reasoning token.
    expect((answer[0]?.at ?? 0) - (reasoning[0]?.at ?? 0)).toBeGreaterThan(0);

    const reasoningText = reasoning.map(({ delta }) => delta.reasoning_content).join('');
    const answerText = answer.map(({ delta }) => delta.content).join('');
    const usage = chunks.at(-1)?.chunk.usage;
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(countSimTokens(reasoningText));
    expect(usage?.completion_tokens).toBe(countSimTokens(reasoningText) + countSimTokens(answerText));
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('answers sync with message.reasoning_content and the same text and usage as its stream', async () => {
    const events = await streamV2(sim, { ...body, model: 'ernie-x1-32k' });
    const deltas = events.flatMap((event) => (event.chunk === '[DONE]' ? [] : event.chunk.choices.map((choice) => choice.delta)));
    const sync = await syncV2(sim, { ...body, model: 'ernie-x1-32k' });
    const choices = sync.choices as Array<{ message: { role: string; content: string; reasoning_content?: string }; finish_reason: string }>;
    expect(choices[0]?.message).toEqual({
      role: 'assistant',
      content: deltas.map((delta) => delta.content ?? '').join(''),
      reasoning_content: deltas.map((delta) => delta.reasoning_content ?? '').join(''),
    });
    const streamUsage = events.flatMap((event) => (event.chunk !== '[DONE]' && event.chunk.usage ? [event.chunk.usage] : []))[0];
    expect(sync.usage).toEqual(streamUsage);
    expect((sync.usage as Usage).completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('leaves other models without reasoning fields', async () => {
    const sync = await syncV2(sim, { ...body, model: 'ernie-speed-8k' });
    const choices = sync.choices as Array<{ message: Record<string, unknown> }>;
    expect(choices[0]?.message).not.toHaveProperty('reasoning_content');
    expect(sync.usage).not.toHaveProperty('completion_tokens_details');
  });
});
