import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, COMPLETIONS_PATH, getToken, parseSse, post, TOKENIZER_PATH, userMessage } from './helpers.js';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 5, msPerOutputToken: 0.2, jitter: 0.1, seed: 42 });
  token = await getToken(sim);
});
afterAll(() => sim.close());

describe('sync chat', () => {
  it('answers with the v1 body and usage that matches the tokenizer', async () => {
    const system = 'You are terse.';
    const messages = [
      { role: 'user', content: 'What is a load test?' },
      { role: 'assistant', content: 'A test.' },
      { role: 'user', content: 'Explain more, please.' },
    ];
    const sentAtS = Math.floor(Date.now() / 1000);
    const answer = await post(chatUrl(sim, token), { system, messages, temperature: 0.5, extra_parameters: { a: 1 } });
    const answeredAtS = Math.ceil(Date.now() / 1000);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('application/json');
    const body = answer.json;
    expect(body).toMatchObject({ object: 'chat.completion', is_truncated: false, need_clear_history: false, finish_reason: 'normal' });
    expect(String(body.id)).toMatch(/^as-[a-z0-9]{10}$/);
    // Stamped while the request was in flight, however long that took.
    expect(Number(body.created)).toBeGreaterThanOrEqual(sentAtS);
    expect(Number(body.created)).toBeLessThanOrEqual(answeredAtS);
    const result = String(body.result);
    const promptTokens = countSimTokens(system) + messages.reduce((sum, m) => sum + countSimTokens(m.content), 0);
    const completionTokens = countSimTokens(result);
    expect(body.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens });
    expect(completionTokens).toBeGreaterThanOrEqual(20);
    expect(completionTokens).toBeLessThanOrEqual(120);
    expect(result).toMatch(/^[A-Za-z. ]+$/);
  });

  it('answers in Chinese when the last user message is Chinese', async () => {
    const answer = await post(chatUrl(sim, token), userMessage('请介绍一下百度千帆。'));
    const result = String(answer.json.result);
    expect(result).toMatch(/^[\u4e00-\u9fff。]+$/);
    expect(result.endsWith('。')).toBe(true);
    expect((answer.json.usage as { completion_tokens: number }).completion_tokens).toBe(countSimTokens(result));
  });

  it('caps at max_output_tokens (finish_reason length) and raises to min_output_tokens', async () => {
    const capped = await post(chatUrl(sim, token), { ...userMessage('long please'), max_output_tokens: 5 });
    expect(capped.json.finish_reason).toBe('length');
    expect(capped.json.is_truncated).toBe(true);
    expect(countSimTokens(String(capped.json.result))).toBe(5);
    const raised = await post(chatUrl(sim, token), { ...userMessage('long please'), min_output_tokens: 300 });
    expect(countSimTokens(String(raised.json.result))).toBe(300);
    expect(raised.json.finish_reason).toBe('normal');
  });

  it('is deterministic for the same request and serves custom endpoints', async () => {
    const body = userMessage('same question');
    const first = await post(chatUrl(sim, token), body);
    const second = await post(chatUrl(sim, token), body);
    expect(second.json.result).toBe(first.json.result);
    const custom = await post(chatUrl(sim, token, 'my_custom_service'), body);
    expect(custom.json.result).toBeTypeOf('string');
  });

  it('serves completions with a prompt as one user message', async () => {
    const prompt = 'Write a line about the sea';
    const answer = await post(chatUrl(sim, token, 'ernie_speed', COMPLETIONS_PATH), { prompt });
    expect(answer.json.object).toBe('completion');
    expect((answer.json.usage as { prompt_tokens: number }).prompt_tokens).toBe(countSimTokens(prompt));
    const streamed = parseSse((await post(chatUrl(sim, token, 'ernie_speed', COMPLETIONS_PATH), { prompt, stream: true })).text);
    expect(streamed.events.map((e) => e.result).join('')).toBe(answer.json.result);
    expect(streamed.events[0]?.object).toBe('completion');
  });
});

describe('streaming chat', () => {
  it('sends sentence events with rising sentence_id, totals on is_end, same text as sync', async () => {
    const body = { ...userMessage('Tell me about stream tests'), min_output_tokens: 80 };
    const answer = await post(chatUrl(sim, token), { ...body, stream: true });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/event-stream');
    expect(
      answer.text
        .split('\n\n')
        .filter(Boolean)
        .every((block) => block.startsWith('data: {')),
    ).toBe(true);
    const { events, otherLines } = parseSse(answer.text);
    expect(otherLines).toEqual([]);
    expect(events.length).toBeGreaterThan(2);
    const promptTokens = countSimTokens(body.messages[0]!.content);
    events.forEach((event, index) => {
      expect(event.sentence_id).toBe(index);
      expect(event.is_end).toBe(index === events.length - 1);
      expect(event.object).toBe('chat.completion');
      expect(event.id).toBe(events[0]!.id);
      const tokens = countSimTokens(event.result);
      if (!event.is_end) {
        expect(event.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens });
        expect(event.finish_reason).toBe('');
      }
      expect(tokens).toBeGreaterThanOrEqual(8);
      expect(tokens).toBeLessThanOrEqual(24);
    });
    const text = events.map((event) => event.result).join('');
    const last = events[events.length - 1]!;
    expect(last.finish_reason).toBe('normal');
    expect(last.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: countSimTokens(text), total_tokens: promptTokens + countSimTokens(text) });
    const sync = await post(chatUrl(sim, token), body);
    expect(sync.json.result).toBe(text);
  });
});

describe('tokenizer endpoint', () => {
  it('counts with the simulator tokenizer and needs a token', async () => {
    const prompt = '你好 world, quantification!';
    const answer = await post(`${sim.url}${TOKENIZER_PATH}?access_token=${token}`, { prompt, model: 'ernie-speed-8k' });
    expect(answer.json).toMatchObject({
      object: 'tokenizer.erniebot',
      usage: { prompt_tokens: countSimTokens(prompt), total_tokens: countSimTokens(prompt) },
    });
    expect(String(answer.json.id)).toMatch(/^as-/);
    const denied = await post(`${sim.url}${TOKENIZER_PATH}`, { prompt });
    expect(denied.json.error_code).toBe(110);
  });
});

describe('stats', () => {
  it('counts usage of successful answers', () => {
    expect(sim.stats.promptTokens).toBeGreaterThan(0);
    expect(sim.stats.completionTokens).toBeGreaterThan(0);
    expect(sim.stats.firstChunkDelaysMs.length).toBeGreaterThanOrEqual(2);
    expect(sim.stats.inFlight).toBe(0);
  });
});
