/**
 * Answer modes (`answers` option), so checks on the answer text can pass: 'echo' repeats the last
 * user message, 'dataset' answers with the row's sim_answer (keyed by system + messages), and a
 * request with no mapped answer gets the filler of 'filler', the default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetAnswerKey, fixedAnswer } from '../../src/sim/answer-modes.js';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, getToken, parseSse, post, readStream, userMessage } from './helpers.js';

const fast = { firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 };
const sims: RunningSimulator[] = [];
afterAll(() => Promise.all(sims.map((sim) => sim.close())));

async function started(options: Parameters<typeof startSimulator>[0]): Promise<{ sim: RunningSimulator; token: string }> {
  const sim = await startSimulator({ ...fast, ...options });
  sims.push(sim);
  return { sim, token: await getToken(sim) };
}

const ANSWER = 'The capital of France is Paris. It lies on the Seine!\nAsk me more?';

describe('answers=echo', () => {
  let target: { sim: RunningSimulator; token: string };
  beforeAll(async () => {
    target = await started({ answers: 'echo' });
  });

  it('answers with the last user message, sync and streamed alike, with its usage', async () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: ANSWER },
    ];
    const sync = await post(chatUrl(target.sim, target.token), { messages });
    expect(sync.json.result).toBe(ANSWER);
    expect(sync.json.usage).toMatchObject({ completion_tokens: countSimTokens(ANSWER) });
    const stream = parseSse((await readStream(chatUrl(target.sim, target.token), { messages, stream: true })).text).events;
    expect(stream.map((event) => event.result).join('')).toBe(ANSWER);
    expect(stream.length).toBeGreaterThan(1);
  });

  it('the output cap still cuts it: is_truncated, finish_reason length', async () => {
    const cut = await post(chatUrl(target.sim, target.token), { ...userMessage(ANSWER), max_output_tokens: 4 });
    expect(cut.json.is_truncated).toBe(true);
    expect(cut.json.finish_reason).toBe('length');
    expect(cut.json.usage).toMatchObject({ completion_tokens: 4 });
    expect(ANSWER.startsWith(String(cut.json.result))).toBe(true);
  });
});

describe('answers=dataset', () => {
  it("answers a mapped request with its row's answer and any other with filler", async () => {
    const key = datasetAnswerKey('Be brief.', [{ role: 'user', content: 'Capital of France?' }]);
    const { sim, token } = await started({ answers: 'dataset', datasetAnswers: { [key]: 'Paris.' } });
    const mapped = await post(chatUrl(sim, token), { system: 'Be brief.', ...userMessage('Capital of France?') });
    expect(mapped.json.result).toBe('Paris.');
    const otherSystem = await post(chatUrl(sim, token), userMessage('Capital of France?'));
    expect(otherSystem.json.result).not.toBe('Paris.');
    expect(String(otherSystem.json.result).length).toBeGreaterThan(0);
  });

  it('filler is the default and unchanged', async () => {
    const { sim, token } = await started({});
    const filler = await post(chatUrl(sim, token), userMessage(ANSWER));
    expect(filler.json.result).not.toBe(ANSWER);
    expect(sim.options.answers).toBe('filler');
  });

  it('refuses an unknown mode at start', async () => {
    await expect(startSimulator({ answers: 'oracle' as 'echo' })).rejects.toThrow(/answers=.*filler or echo or dataset/);
  });
});

describe('fixedAnswer', () => {
  it("splits into sentences whose tokens add up to the text's", () => {
    const answer = fixedAnswer('你好。Hello there, friend! 再见', 1024);
    expect(answer.sentences.map((sentence) => sentence.text).join('')).toBe(answer.text);
    expect(answer.completionTokens).toBe(countSimTokens(answer.text));
    expect(answer.sentences.length).toBe(3);
  });
});
