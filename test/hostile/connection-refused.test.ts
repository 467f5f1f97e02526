/**
 * A base URL where nothing listens (a port bound and closed again): every connection is refused,
 * no request gets an answer, and such a run used to exit 0. Now: exit 4, every planned request has
 * its row, and the message names the transport's code, whichever provider.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { closedPort, requestRows, runSummary, THREE_ROWS, writeDataset } from './loud-helpers.js';

describe('connection refused', () => {
  it('--provider openai: exit 4 naming ECONNREFUSED, files written', async () => {
    const port = await closedPort();
    const dataset = await writeDataset(THREE_ROWS);
    const out = await tempDir();
    const result = await runCli(
      ['run', '--provider', 'openai', '--base-url', `http://127.0.0.1:${port}/v1`, '-d', dataset, '-m', 'gpt-x', '--retries', '0', '--quiet', '--out', out],
      {
        env: { OPENAI_API_KEY: 'sk-some-key-123456' },
      },
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/run aborted: no request succeeded: all 3 requests sent got no answer \(3 failed\); most frequent: ECONNREFUSED ×3/);
    expect(result.stdout).toMatch(/errors of gpt-x: ECONNREFUSED ×3 "connection failed/);
    const rows = await requestRows(out);
    expect(rows.map((row) => [row.outcome, row.error_code])).toEqual([
      ['failed', 'ECONNREFUSED'],
      ['failed', 'ECONNREFUSED'],
      ['failed', 'ECONNREFUSED'],
    ]);
    expect((await runSummary(out)).cells[0]!.outcomes.ok).toBe(0);
  });

  it('v1 with a token: exit 4 naming ECONNREFUSED', async () => {
    const port = await closedPort();
    const dataset = await writeDataset(THREE_ROWS);
    const out = await tempDir();
    const result = await runCli(['run', '-d', dataset, '-m', 'ernie-speed-8k', '--retries', '0', '--quiet', '--out', out], {
      env: { QIANFAN_BASE_URL: `http://127.0.0.1:${port}`, QIANFAN_ACCESS_TOKEN: 'token-123456789' },
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(await requestRows(out)).toHaveLength(3);
  });
});
