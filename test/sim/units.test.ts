import { describe, it, expect } from 'vitest';
import { countSimTokens } from '../../src/sim/index.js';
import { answerRandom, generateAnswer, splitIntoSentenceSizes } from '../../src/sim/generator.js';
import { EndpointQuota } from '../../src/sim/quota.js';
import { parseDirective, rollFault } from '../../src/sim/faults.js';
import { planSentenceOffsets } from '../../src/sim/latency.js';
import { seededRandom } from '../../src/util/random.js';

describe('countSimTokens', () => {
  it('counts CJK ideographs and CJK punctuation one each', () => {
    expect(countSimTokens('你好，世界。')).toBe(6);
    expect(countSimTokens('𠀀')).toBe(1); // extension B, a surrogate pair
  });
  it('counts ASCII alphanumeric runs by ceil(length/4)', () => {
    expect(countSimTokens('abcd')).toBe(1);
    expect(countSimTokens('abcde')).toBe(2);
    expect(countSimTokens('hello world 2024')).toBe(2 + 2 + 1);
  });
  it('counts other symbols one each and whitespace as nothing', () => {
    expect(countSimTokens('a, b.')).toBe(4);
    expect(countSimTokens('   \n\t ')).toBe(0);
    expect(countSimTokens('')).toBe(0);
    expect(countSimTokens('中文abc！')).toBe(4);
  });
});

describe('generator', () => {
  it('splits lengths into sentences of 8 to 24 tokens', () => {
    const random = seededRandom(5);
    for (let total = 8; total < 400; total++) {
      const sizes = splitIntoSentenceSizes(random, total);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
      for (const size of sizes) {
        expect(size).toBeGreaterThanOrEqual(8);
        expect(size).toBeLessThanOrEqual(24);
      }
    }
    expect(splitIntoSentenceSizes(random, 3)).toEqual([3]);
  });
  it('produces text that counts to exactly the chosen length, English and Chinese', () => {
    for (let i = 0; i < 200; i++) {
      const limits = { min: 1, max: 300, maxOutputTokens: 2048 };
      for (const chinese of [false, true]) {
        const answer = generateAnswer(answerRandom(1, `k${i}`), limits, chinese);
        expect(countSimTokens(answer.text)).toBe(answer.completionTokens);
        expect(answer.sentences.map((s) => s.text).join('')).toBe(answer.text);
        if (chinese && answer.completionTokens > 1) expect(answer.text.endsWith('。')).toBe(true);
        if (!chinese) expect(answer.text).toMatch(/^[A-Za-z. ]+$/);
      }
    }
  });
  it('caps at max_output_tokens with finish_reason length and raises to min_output_tokens', () => {
    const capped = generateAnswer(answerRandom(1, 'x'), { min: 50, max: 60, maxOutputTokens: 10 }, false);
    expect(capped.completionTokens).toBe(10);
    expect(capped.finishReason).toBe('length');
    const raised = generateAnswer(answerRandom(1, 'x'), { min: 20, max: 30, maxOutputTokens: 1024, minOutputTokens: 100 }, false);
    expect(raised.completionTokens).toBe(100);
    expect(raised.finishReason).toBe('normal');
  });
  it('is deterministic per seed and key', () => {
    const limits = { min: 20, max: 120, maxOutputTokens: 1024 };
    const a = generateAnswer(answerRandom(3, 'same'), limits, false).text;
    const b = generateAnswer(answerRandom(3, 'same'), limits, false).text;
    const c = generateAnswer(answerRandom(4, 'same'), limits, false).text;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('latency', () => {
  it('spaces sentences by their decode time and starts after prefill', () => {
    const model = { firstChunkMs: 100, prefillMsPerToken: 1, msPerOutputToken: 2, jitter: 0, capacity: Infinity };
    expect(planSentenceOffsets(seededRandom(1), model, 10, [8, 10, 12], 1)).toEqual([110, 130, 154]);
    expect(planSentenceOffsets(seededRandom(1), model, 10, [8, 10], 3)).toEqual([330, 390]);
  });
});

describe('EndpointQuota', () => {
  it('rolling: each charge leaves the window windowMs after it was made', () => {
    const quota = new EndpointQuota({ rpm: 2, tpm: 0, mode: 'rolling', windowMs: 1000, startedAt: 0 });
    expect(quota.admit(5, 0)).toEqual({ ok: true });
    expect(quota.admit(5, 400)).toEqual({ ok: true });
    expect(quota.admit(5, 900)).toEqual({ ok: false, limit: 'rpm' });
    expect(quota.headers(900)['X-Ratelimit-Remaining-Requests']).toBe('0');
    expect(quota.admit(5, 1000)).toEqual({ ok: true }); // the charge at 0 expired
    expect(quota.admit(5, 1200)).toEqual({ ok: false, limit: 'rpm' });
    expect(quota.admit(5, 1400)).toEqual({ ok: true });
  });
  it('fixed: counters reset on multiples of windowMs since start', () => {
    const quota = new EndpointQuota({ rpm: 2, tpm: 0, mode: 'fixed', windowMs: 1000, startedAt: 50 });
    expect(quota.admit(1, 900).ok).toBe(true);
    expect(quota.admit(1, 1000).ok).toBe(true);
    expect(quota.admit(1, 1049).ok).toBe(false);
    expect(quota.admit(1, 1050).ok).toBe(true); // new window although the first charges are recent
    expect(quota.headers(1050)['X-Ratelimit-Remaining-Requests']).toBe('1');
  });
  it('tpm: prompt tokens at admission, completion tokens when charged, and requests that would not fit', () => {
    const quota = new EndpointQuota({ rpm: 0, tpm: 100, mode: 'rolling', windowMs: 1000, startedAt: 0 });
    expect(quota.admit(30, 0).ok).toBe(true);
    quota.chargeCompletion(50, 10);
    expect(quota.headers(10)).toEqual({ 'X-Ratelimit-Limit-Tokens': '100', 'X-Ratelimit-Remaining-Tokens': '20' });
    expect(quota.admit(21, 20)).toEqual({ ok: false, limit: 'tpm' });
    expect(quota.admit(20, 20).ok).toBe(true);
    expect(quota.admit(1, 30)).toEqual({ ok: false, limit: 'tpm' });
    expect(quota.admit(1, 1000).ok).toBe(true); // the first 30 left; the 50 from t=10 not yet
    expect(quota.headers(1000)['X-Ratelimit-Remaining-Tokens']).toBe(String(100 - 50 - 20 - 1));
  });
  it('stays bounded over many charges', () => {
    const quota = new EndpointQuota({ rpm: 10, tpm: 0, mode: 'rolling', windowMs: 10, startedAt: 0 });
    for (let t = 0; t < 100_000; t++) quota.admit(1, t);
    expect(quota.headers(100_000)['X-Ratelimit-Remaining-Requests']).toBe('1');
  });
});

describe('faults', () => {
  it('parses directives', () => {
    expect(parseDirective('hi [[sim:error=336100]] there')).toEqual({ kind: 'error', code: 336100 });
    expect(parseDirective('[[sim:fault=stall]]')).toEqual({ kind: 'fault', fault: 'stall' });
    expect(parseDirective('[[sim:fault=nope]]')).toBeUndefined();
    expect(parseDirective('plain')).toBeUndefined();
  });
  it('honours rates and applies at most one fault', () => {
    const random = seededRandom(9);
    let busy = 0;
    let stall = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const fault = rollFault(random, { busy: 0.1, stall: 0.2 });
      if (fault === 'busy') busy++;
      if (fault === 'stall') stall++;
    }
    expect(busy / n).toBeGreaterThan(0.08);
    expect(busy / n).toBeLessThan(0.12);
    // stall applies only when busy did not: 0.9 * 0.2
    expect(stall / n).toBeGreaterThan(0.16);
    expect(stall / n).toBeLessThan(0.2);
  });
});
