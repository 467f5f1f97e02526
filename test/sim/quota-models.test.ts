import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { chatUrl, getToken, header, post, sleep, userMessage } from './helpers.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator quotaModel', () => {
  it('bucket: spends the whole limit at once, then refills continuously at limit/window', async () => {
    // 4 per second: one request back every 250 ms, not all four at a window's end.
    sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, rpm: 4, tpm: 100_000, windowMs: 1000, quotaModel: 'bucket' });
    const token = await getToken(sim);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(chatUrl(sim, token), userMessage(`q${i}`)));
    expect(answers.slice(0, 4).every((answer) => typeof answer.json.result === 'string')).toBe(true);
    expect(answers[4]!.json).toMatchObject({ error_code: 336501 });
    // Every answer carries all four v1 headers, the throttled one too.
    for (const answer of answers) {
      for (const name of ['Limit-Requests', 'Remaining-Requests', 'Limit-Tokens', 'Remaining-Tokens'])
        expect(header(answer, `X-Ratelimit-${name}`)).toMatch(/^\d+$/);
    }
    expect(header(answers[4]!, 'X-Ratelimit-Remaining-Requests')).toBe('0');
    const emptiedAt = performance.now();
    await sleep(300);
    const refilled = await post(chatUrl(sim, token), userMessage('later'));
    const elapsed = performance.now() - emptiedAt;
    // Well within the window one came back (a rolling window would still refuse)...
    expect(refilled.json.result).toBeTypeOf('string');
    // ...and no more than the time since allows (a window reset would give all four back at once).
    expect(Number(header(refilled, 'X-Ratelimit-Remaining-Requests'))).toBeLessThanOrEqual(Math.max(0, Math.floor(((elapsed + 50) * 4) / 1000) - 1));
  });

  it('rejects an unknown model with one line naming the option', async () => {
    await expect(startSimulator({ quotaModel: 'leaky' as never })).rejects.toThrow(/quotaModel/);
  });
});
