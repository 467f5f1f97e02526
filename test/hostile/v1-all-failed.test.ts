/**
 * The v1 simulator answering every request with a v1 error (336100 "server busy", HTTP 200): not
 * an auth failure, yet nothing succeeded, and such a run used to exit 0. Now: exit 4 naming
 * 336100, with every file written.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { requestRows, writeDataset } from './loud-helpers.js';

describe('v1: every request fails', () => {
  it('exits 4 naming the dominant error, and writes every file', async () => {
    const dataset = await writeDataset([1, 2, 3, 4].map((n) => ({ id: `r${n}`, prompt: `question ${n} [[sim:error=336100]]` })));
    const out = await tempDir();
    const result = await runCli(['run', '--sim', '-d', dataset, '-m', 'ernie-speed-8k', '--sim-opt', 'firstChunkMs=1', '--retries', '0', '--out', out], {
      env: { CI: 'true' },
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/run aborted: no request succeeded: all 4 requests sent got no answer \(4 failed\); most frequent: 336100 ×4 "/);
    for (const file of ['requests.csv', 'summary.csv', 'summary.json', 'report.html']) await access(join(out, file));
    expect(await requestRows(out)).toHaveLength(4);
  });
});
