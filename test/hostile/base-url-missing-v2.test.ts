/**
 * `--base-url` of the v2 simulator without its `/v2`: every answer is an HTTP 404, so no request
 * succeeds; such a run used to exit 0 with a table of numbers. Now: exit 4 naming the 404.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { requestRows, THREE_ROWS, writeDataset } from './loud-helpers.js';

describe('a base URL missing /v2', () => {
  it('answers 404 to every request: exit 4, the message names 404', async () => {
    const sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
    try {
      const dataset = await writeDataset(THREE_ROWS);
      const out = await tempDir();
      const result = await runCli(
        ['run', '--provider', 'openai', '--base-url', sim.url, '-d', dataset, '-m', 'ernie-speed-8k', '--retries', '0', '--out', out],
        {
          env: { OPENAI_API_KEY: sim.credentials.bearerToken, CI: 'true' },
        },
      );
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toMatch(/no request succeeded: all 3 requests sent got no answer \(3 failed\); most frequent: 404 ×3/);
      const rows = await requestRows(out);
      expect(rows.every((row) => row.outcome === 'failed' && row.http_status === '404')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
