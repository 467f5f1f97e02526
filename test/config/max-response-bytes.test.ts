import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/run-config.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/providers/body-limit.js';

const base = { datasets: ['datasets/demo.csv'], models: ['ernie-speed-8k'] };

describe('maxResponseBytes (--max-response-bytes)', () => {
  it('defaults to 8 MiB and takes a positive whole number of bytes', () => {
    expect(parseRunConfig(base).maxResponseBytes).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(8 * 1024 * 1024);
    expect(parseRunConfig({ ...base, maxResponseBytes: 1024 }).maxResponseBytes).toBe(1024);
  });

  it('refuses zero, negatives, fractions, non-numbers and more than 256 MiB, naming the flag and the limit', () => {
    for (const value of [0, -1, 1.5, Number.NaN, 'big', 2 ** 40]) {
      expect(() => parseRunConfig({ ...base, maxResponseBytes: value })).toThrow(/^--max-response-bytes: /);
    }
    expect(() => parseRunConfig({ ...base, maxResponseBytes: 0 })).toThrow(/at least 1 byte/);
    expect(() => parseRunConfig({ ...base, maxResponseBytes: 2 ** 40 })).toThrow(/at most 268435456 bytes/);
  });
});
