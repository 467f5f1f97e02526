/**
 * Unsafe input (qianfan-api.md §9): `need_clear_history: true` with `ban_round` (-1 for the
 * current turn, else the index of the turn) comes from the `[[sim:unsafe]]` marker in a user
 * message or, at the `unsafeRate` option's rate, from the request's content.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, getToken, parseSse, post, readStream, userMessage } from './helpers.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const fast = { firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 };
const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

describe('unsafe input', () => {
  it('flags the current turn for the marker in the last user message, sync and stream', async () => {
    sim = await startSimulator(fast);
    const token = await getToken(sim);
    const flagged = await post(chatUrl(sim, token), userMessage('tell me [[sim:unsafe]] now'));
    expect(flagged.json).toMatchObject({ need_clear_history: true, ban_round: -1 });
    expect(flagged.json.result).toBeTypeOf('string');
    const read = await readStream(chatUrl(sim, token), { ...userMessage('tell me [[sim:unsafe]] now'), stream: true });
    const { events } = parseSse(read.text);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toMatchObject({ need_clear_history: true, ban_round: -1 });

    const clean = await post(chatUrl(sim, token), userMessage('tell me now'));
    expect(clean.json.need_clear_history).toBe(false);
    expect(clean.json).not.toHaveProperty('ban_round');
  });

  it('names the earlier turn that carried the marker', async () => {
    sim = await startSimulator(fast);
    const token = await getToken(sim);
    const messages = [user('first'), assistant('a'), user('second [[sim:unsafe]]'), assistant('b'), user('third')];
    const answer = await post(chatUrl(sim, token), { messages });
    expect(answer.json).toMatchObject({ need_clear_history: true, ban_round: 1 });
  });

  it('flags about unsafeRate of the requests, the same content the same way every time', async () => {
    sim = await startSimulator({ ...fast, unsafeRate: 0.3 });
    const token = await getToken(sim);
    const verdicts: boolean[] = [];
    for (let i = 0; i < 120; i++) {
      const answer = await post(chatUrl(sim, token), userMessage(`question ${i}`));
      verdicts.push(answer.json.need_clear_history === true);
      if (answer.json.need_clear_history === true) expect(answer.json.ban_round).toBe(-1);
    }
    const share = verdicts.filter(Boolean).length / verdicts.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
    for (let i = 0; i < 10; i++) {
      const again = await post(chatUrl(sim, token), { ...userMessage(`question ${i}`), stream: false });
      expect(again.json.need_clear_history === true).toBe(verdicts[i]);
    }
  });

  it('flags everything at unsafeRate=1 and refuses a rate outside [0, 1]', async () => {
    sim = await startSimulator({ ...fast, unsafeRate: 1 });
    const token = await getToken(sim);
    expect((await post(chatUrl(sim, token), userMessage('hi'))).json).toMatchObject({ need_clear_history: true, ban_round: -1 });
    await sim.close();
    sim = undefined;
    const refused = await startSimulator({ unsafeRate: 1.5 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isUserError(refused)).toBe(true);
    expect(String((refused as Error).message)).toContain('simulator option unsafeRate=1.5: expected a number in [0, 1]');
  });
});
