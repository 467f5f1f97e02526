/**
 * How the request controls the output (qianfan-api.md §9, ERNIE Speed page): `stop` ends the
 * generation before the first stop string (finish_reason "stop"), `is_truncated` says the output
 * cap cut the answer (finish_reason "length"), and without `max_output_tokens` the cap is the
 * model's default 1,024 tokens whatever `min_output_tokens` asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, getToken, parseSse, post, readStream, userMessage } from './helpers.js';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, outputTokens: { min: 60, max: 80 } });
  token = await getToken(sim);
});
afterAll(() => sim.close());

async function answerOf(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await post(chatUrl(sim, token), body)).json;
}

describe('stop', () => {
  it('ends the answer before the first occurrence of any stop string', async () => {
    const question = userMessage('tell me a long story');
    const free = await answerOf(question);
    const text = String(free.result);
    const words = text.split(' ');
    // Two words from the middle of the free answer: the earlier one is where generation stops.
    const early = words[4] ?? '';
    const late = words.slice(8, 10).join(' ');
    const cutAt = Math.min(...[early, late].map((stop) => text.indexOf(stop)).filter((at) => at >= 0));
    expect(cutAt).toBeGreaterThan(0);

    const stopped = await answerOf({ ...question, stop: [late, early] });
    expect(stopped.result).toBe(text.slice(0, cutAt));
    expect(stopped.finish_reason).toBe('stop');
    expect(stopped.is_truncated).toBe(false);
    expect(stopped.usage).toMatchObject({ completion_tokens: countSimTokens(text.slice(0, cutAt)) });

    const read = await readStream(chatUrl(sim, token), { ...question, stop: [late, early], stream: true });
    const { events } = parseSse(read.text);
    expect(events.map((event) => event.result).join('')).toBe(text.slice(0, cutAt));
    expect(events.at(-1)).toMatchObject({ is_end: true, finish_reason: 'stop', is_truncated: false });
    expect(events.at(-1)?.usage.completion_tokens).toBe(countSimTokens(text.slice(0, cutAt)));
  });

  it('stops at the first sentence end in Chinese, and leaves an answer without the string alone', async () => {
    const chinese = await answerOf({ ...userMessage('请写一段长文'), stop: ['。'] });
    expect(String(chinese.result)).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(chinese.finish_reason).toBe('stop');
    const absent = await answerOf({ ...userMessage('hello there'), stop: ['zzz'] });
    expect(absent.finish_reason).toBe('normal');
    expect(absent.result).toBe((await answerOf(userMessage('hello there'))).result);
  });
});

describe('output cap', () => {
  it('marks an answer cut by max_output_tokens as truncated, sync and stream', async () => {
    const capped = await answerOf({ ...userMessage('long please'), max_output_tokens: 5 });
    expect(capped).toMatchObject({ finish_reason: 'length', is_truncated: true });
    expect(countSimTokens(String(capped.result))).toBe(5);
    const read = await readStream(chatUrl(sim, token), { ...userMessage('long please'), max_output_tokens: 5, stream: true });
    expect(parseSse(read.text).events.at(-1)).toMatchObject({ is_end: true, finish_reason: 'length', is_truncated: true });
    const free = await answerOf(userMessage('long please'));
    expect(free).toMatchObject({ finish_reason: 'normal', is_truncated: false });
  });

  it('caps at the default 1,024 tokens without max_output_tokens, whatever min_output_tokens says', async () => {
    const high = await answerOf({ ...userMessage('long please'), min_output_tokens: 1500 });
    expect(high.usage).toMatchObject({ completion_tokens: 1024 });
    expect(high).toMatchObject({ finish_reason: 'length', is_truncated: true });
    // With an explicit max the minimum is honoured up to it.
    const both = await answerOf({ ...userMessage('long please'), min_output_tokens: 1500, max_output_tokens: 1500 });
    expect(both.usage).toMatchObject({ completion_tokens: 1500 });
    expect(both).toMatchObject({ finish_reason: 'normal', is_truncated: false });
  });
});
