import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/run-config.js';

const base = { models: ['ernie-speed-8k'], trace: 't.jsonl' };

describe('--trace settings', () => {
  it('needs no -d; -c stays the cap; speed and limit go with it', () => {
    const config = parseRunConfig({ ...base, concurrency: '32', traceSpeed: 2, traceLimit: 10 });
    expect([config.datasets, config.concurrency, config.traceSpeed, config.traceLimit]).toEqual([[], [32], 2, 10]);
  });

  it('refuses what sets the load another way, each with a one-line reason', () => {
    const refused = (extra: Record<string, unknown>): string => {
      try {
        parseRunConfig({ ...base, ...extra });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ rate: '2' })).toMatch(/^--trace: --rate does not go with a trace replay/);
    expect(refused({ concurrency: '1,4' })).toMatch(/^--trace: a -c list does not go/);
    expect(refused({ duration: 10 })).toMatch(/^--trace: --duration does not go/);
    expect(refused({ maxRequests: 10 })).toMatch(/--trace-limit N/);
    expect(refused({ repeat: 2 })).toMatch(/^--trace: --repeat/);
    expect(refused({ shard: '1/2' })).toMatch(/^--trace: --shard\/--shards/);
    expect(refused({ traceSpeed: 0 })).toMatch(/^--trace-speed:/);
    expect(refused({ trace: undefined, datasets: ['d.csv'], traceSpeed: 2 })).toMatch(/^--trace-speed: .*give --trace too/);
    expect(refused({ trace: undefined, datasets: ['d.csv'], traceLimit: 2 })).toMatch(/^--trace-limit: .*give --trace too/);
  });
});
