import { afterEach, describe, it, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimOptions } from '../../src/sim/index.js';
import { now } from '../../src/util/clock.js';
import { chatUrl, getToken, header, post, sleep, userMessage, type JsonAnswer } from './helpers.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const fast: SimOptions = { firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 };

function remainingRequests(answer: JsonAnswer): number {
  return Number(header(answer, 'X-Ratelimit-Remaining-Requests'));
}

async function rpmScenario(options: SimOptions): Promise<{ sim: RunningSimulator; token: string; startedAt: number }> {
  const started = await startSimulator({ ...fast, rpm: 3, windowMs: 300, ...options });
  const startedAt = now();
  sim = started;
  return { sim: started, token: await getToken(started), startedAt };
}

async function exhaustRpm(running: RunningSimulator, token: string): Promise<void> {
  const remaining: number[] = [];
  for (let i = 0; i < 3; i++) {
    const answer = await post(chatUrl(running, token), userMessage(`q${i}`));
    expect(answer.json.result).toBeTypeOf('string');
    expect(header(answer, 'X-Ratelimit-Limit-Requests')).toBe('3');
    remaining.push(remainingRequests(answer));
  }
  expect(remaining).toEqual([2, 1, 0]);
  const throttled = await post(chatUrl(running, token), { ...userMessage('q3'), stream: true });
  expect(throttled.status).toBe(200);
  expect(throttled.contentType).toContain('application/json');
  expect(throttled.json).toMatchObject({ error_code: 336501, error_msg: 'Rate limit reached for RPM' });
  expect(remainingRequests(throttled)).toBe(0);
  expect(running.stats.throttled).toBe(1);
}

describe('RPM quota over HTTP', () => {
  it('rolling: throttles past rpm and refills after windowMs', async () => {
    const { sim: running, token } = await rpmScenario({ quotaWindow: 'rolling' });
    await exhaustRpm(running, token);
    await sleep(350);
    const again = await post(chatUrl(running, token), userMessage('later'));
    expect(again.json.result).toBeTypeOf('string');
    expect(remainingRequests(again)).toBe(2);
  });

  it('fixed: throttles past rpm and refills at the next window boundary', async () => {
    const { sim: running, token, startedAt } = await rpmScenario({ quotaWindow: 'fixed' });
    // Start just after a boundary so the four requests share one window.
    const sinceStart = now() - startedAt;
    await sleep(300 - (sinceStart % 300) + 20);
    await exhaustRpm(running, token);
    await sleep(300);
    const again = await post(chatUrl(running, token), userMessage('later'));
    expect(again.json.result).toBeTypeOf('string');
    expect(remainingRequests(again)).toBe(2);
  });

  it('keeps quotas per endpoint and reports them on error answers too', async () => {
    const { sim: running, token } = await rpmScenario({ windowMs: 60_000 });
    await exhaustRpm(running, token);
    const other = await post(chatUrl(running, token, 'completions_pro'), userMessage('other endpoint'));
    expect(remainingRequests(other)).toBe(2);
    const invalid = await post(chatUrl(running, token), { messages: [] });
    expect(invalid.json.error_code).toBe(336006);
    expect(remainingRequests(invalid)).toBe(0);
    const unauthenticated = await post(chatUrl(running, 'bad'), userMessage('x'));
    expect(header(unauthenticated, 'X-Ratelimit-Limit-Requests')).toBe('3');
  });
});

describe('TPM quota over HTTP', () => {
  it('charges prompt and completion tokens and throttles with 336502', async () => {
    sim = await startSimulator({ ...fast, tpm: 50, outputTokens: { min: 60, max: 60 }, windowMs: 60_000 });
    const token = await getToken(sim);
    const first = await post(chatUrl(sim, token), userMessage('hello'));
    expect(first.json.result).toBeTypeOf('string');
    expect(header(first, 'X-Ratelimit-Limit-Tokens')).toBe('50');
    expect(header(first, 'X-Ratelimit-Remaining-Tokens')).toBe('48'); // prompt charged at admission
    expect(header(first, 'X-Ratelimit-Limit-Requests')).toBeUndefined();
    const second = await post(chatUrl(sim, token), userMessage('hello'));
    expect(second.json).toMatchObject({ error_code: 336502, error_msg: 'Rate limit reached for TPM' });
    expect(header(second, 'X-Ratelimit-Remaining-Tokens')).toBe('0');
    expect(sim.stats.throttled).toBe(1);
  });

  it('refuses a prompt larger than what remains', async () => {
    sim = await startSimulator({ ...fast, tpm: 100 });
    const token = await getToken(sim);
    const big = await post(chatUrl(sim, token), userMessage('字'.repeat(101)));
    expect(big.json.error_code).toBe(336502);
    const small = await post(chatUrl(sim, token), userMessage('字'.repeat(10)));
    expect(small.json.result).toBeTypeOf('string');
  });
});
