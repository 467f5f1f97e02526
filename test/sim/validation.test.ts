import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, COMPLETIONS_PATH, getToken, post, userMessage } from './helpers.js';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
  token = await getToken(sim);
});
afterAll(() => sim.close());

async function errorOf(body: unknown, endpoint = 'ernie_speed', stream = false): Promise<{ code: unknown; msg: string }> {
  const payload = stream && typeof body === 'object' ? { ...(body as object), stream: true } : body;
  const answer = await post(chatUrl(sim, token, endpoint), payload);
  expect(answer.status).toBe(200);
  expect(answer.contentType).toContain('application/json');
  return { code: answer.json.error_code, msg: String(answer.json.error_msg) };
}

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

describe('validation', () => {
  it('336002 for a body that is not JSON', async () => {
    expect(await errorOf('{"messages": [')).toEqual({ code: 336002, msg: 'Invalid JSON' });
  });

  it('336006 for malformed messages', async () => {
    expect((await errorOf({ messages: [] })).code).toBe(336006);
    expect((await errorOf({})).code).toBe(336006);
    expect(await errorOf({ messages: [user('a'), assistant('b')] })).toEqual({
      code: 336006,
      msg: 'the length of messages must be an odd number',
    });
    expect(await errorOf({ messages: [assistant('a')] })).toEqual({
      code: 336006,
      msg: 'the role of message with even index in the messages must be user',
    });
    expect(await errorOf({ messages: [user('a'), user('b'), user('c')] })).toEqual({
      code: 336006,
      msg: 'the role of message with odd index in the messages must be assistant',
    });
    expect(await errorOf({ messages: [user('')] })).toEqual({ code: 336006, msg: 'the content of message must not be empty' });
    expect((await errorOf({ messages: [{ role: 'user', content: 3 }] })).code).toBe(336006);
  });

  it('336003 for parameters out of range or of the wrong type, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ temperature: 0 }, 'temperature'],
      [{ temperature: 1.5 }, 'temperature'],
      [{ temperature: '0.5' }, 'temperature'],
      [{ top_p: -0.1 }, 'top_p'],
      [{ penalty_score: 0.5 }, 'penalty_score'],
      [{ penalty_score: 2.1 }, 'penalty_score'],
      [{ max_output_tokens: 1 }, 'max_output_tokens'],
      [{ max_output_tokens: 2049 }, 'max_output_tokens'],
      [{ max_output_tokens: 10.5 }, 'max_output_tokens'],
      [{ min_output_tokens: 1 }, 'min_output_tokens'],
      [{ min_output_tokens: 100, max_output_tokens: 50 }, 'min_output_tokens'],
      [{ frequency_penalty: 2.5 }, 'frequency_penalty'],
      [{ presence_penalty: -3 }, 'presence_penalty'],
      [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      [{ stop: ['x'.repeat(21)] }, 'stop'],
      [{ stop: 'end' }, 'stop'],
      [{ system: 42 }, 'system'],
    ];
    for (const [params, field] of cases) {
      const error = await errorOf({ ...userMessage('hi'), ...params });
      expect(error.code, JSON.stringify(params)).toBe(336003);
      expect(error.msg).toContain(field);
    }
    // the model's own output limit is the upper bound: ERNIE-Character-8K allows 1024
    expect((await errorOf({ ...userMessage('hi'), max_output_tokens: 2000 }, 'ernie-char-8k')).code).toBe(336003);
    // valid edge values and unknown fields pass
    const ok = await post(chatUrl(sim, token), {
      ...userMessage('hi'),
      temperature: 1,
      top_p: 0,
      penalty_score: 2,
      max_output_tokens: 2048,
      frequency_penalty: -2,
      presence_penalty: 2,
      stop: ['x'.repeat(20)],
      extra_parameters: { request_source: 'test' },
      user_id: 'u1',
    });
    expect(ok.json.result).toBeTypeOf('string');
  });

  it('336007 past the character limit, counting system and code points', async () => {
    // ernie_speed: 24000 chars; surrogate pairs count once
    const error = await errorOf({ system: 'x', ...userMessage('𠀀'.repeat(24000)) });
    expect(error).toEqual({ code: 336007, msg: 'the max length of current question is 24000' });
    // a custom endpoint allows 4800 characters, streaming requests get JSON errors too
    expect(await errorOf(userMessage('a'.repeat(4801)), 'custom_svc', true)).toEqual({
      code: 336007,
      msg: 'the max length of current question is 4800',
    });
    const fits = await post(chatUrl(sim, token, 'custom_svc'), userMessage('a'.repeat(4800)));
    expect(fits.json.result).toBeTypeOf('string');
  });

  it('336103 past the token limit', async () => {
    // ernie_speed: 6144 tokens; 7000 CJK characters are 7000 tokens but under 24000 characters
    expect(await errorOf(userMessage('中'.repeat(7000)))).toEqual({ code: 336103, msg: 'Prompt tokens too long' });
  });

  it('validates the completions prompt', async () => {
    const answer = await post(chatUrl(sim, token, 'ernie_speed', COMPLETIONS_PATH), { prompt: '' });
    expect(answer.json.error_code).toBe(336006);
  });
});
