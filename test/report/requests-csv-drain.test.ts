/**
 * Many producers waiting on a full requests.csv buffer at once (one per request slot, `-c 64`)
 * share one wait for 'drain': a listener each used to trip MaxListenersExceededWarning.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRequestsCsv, readRequestsCsv } from '../../src/report/requests-csv.js';
import { makeRecord, withTempDir } from './fixtures.js';

describe('requests.csv backpressure', () => {
  it('64 producers waiting for drain at once add no listener each, and every row arrives', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await withTempDir(async (dir) => {
        const path = join(dir, 'requests.csv');
        const writer = openRequestsCsv(path);
        const big = 'y'.repeat(4000);
        let seq = 0;
        const producer = async (): Promise<void> => {
          for (let i = 0; i < 20; i++) {
            writer.write(makeRecord({ seq: seq++, output: big }));
            await writer.ready();
          }
        };
        await Promise.all(Array.from({ length: 64 }, producer));
        await writer.close();
        let count = 0;
        for await (const record of readRequestsCsv(path)) if (record.output === big) count++;
        expect(count).toBe(64 * 20);
      });
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
