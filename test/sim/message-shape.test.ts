/**
 * Message shape as the ERNIE Speed page documents it (qianfan-api.md §9): roles strictly `user`,
 * `assistant`, `user`, ... (a `function` or any other role is refused with 336006),
 * and a content that is empty or only whitespace is refused with 336006.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, COMPLETIONS_PATH, getToken, post } from './helpers.js';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
  token = await getToken(sim);
});
afterAll(() => sim.close());

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

async function refusal(body: unknown, path?: string): Promise<{ code: unknown; msg: string }> {
  const answer = await post(chatUrl(sim, token, 'ernie_speed', path), body);
  return { code: answer.json.error_code, msg: String(answer.json.error_msg) };
}

describe('message shape', () => {
  it('refuses a function role or any role but user at even positions', async () => {
    const evenRole = { code: 336006, msg: 'the role of message with even index in the messages must be user' };
    expect(await refusal({ messages: [{ role: 'function', name: 'f', content: '{"x":1}' }] })).toEqual(evenRole);
    expect(await refusal({ messages: [user('a'), assistant('b'), { role: 'function', name: 'f', content: 'r' }] })).toEqual(evenRole);
    expect(await refusal({ messages: [{ role: 'system', content: 'be terse' }] })).toEqual(evenRole);
    expect(await refusal({ messages: [user('a'), { role: 'function', content: 'b' }, user('c')] })).toEqual({
      code: 336006,
      msg: 'the role of message with odd index in the messages must be assistant',
    });
  });

  it('refuses content that is only whitespace, on chat and completions', async () => {
    const empty = { code: 336006, msg: 'the content of message must not be empty' };
    expect(await refusal({ messages: [user(' \n\t ')] })).toEqual(empty);
    expect(await refusal({ messages: [user('a'), assistant('\u3000'), user('c')] })).toEqual(empty);
    expect(await refusal({ prompt: '   ' }, COMPLETIONS_PATH)).toEqual(empty);
    // Surrounding whitespace is fine.
    const ok = await post(chatUrl(sim, token), { messages: [user('  hi  ')] });
    expect(ok.json.result).toBeTypeOf('string');
  });
});
