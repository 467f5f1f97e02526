/**
 * `--provider openai` with a wrong key: every request is refused (401 with a string code such as
 * `invalid_api_key` or `invalid_iam_token`). Only numeric v1 codes used to count as refusals, so
 * such a run exited 0. Now it is an authentication failure: exit 4, every file written, the
 * message naming the code, and the key nowhere.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { requestRows, runSummary, startFixedServer, THREE_ROWS, writeDataset } from './loud-helpers.js';

const WRONG_KEY = 'sk-wrong-key-visible-nowhere-9876';

describe('--provider openai with a wrong key', () => {
  it('against an OpenAI-style server (401 invalid_api_key): exit 4 naming invalid_api_key, files written, key never shown', async () => {
    const server = await startFixedServer(401, {
      error: { code: 'invalid_api_key', type: 'invalid_request_error', message: `Incorrect API key provided: ${WRONG_KEY}` },
    });
    try {
      const dataset = await writeDataset(THREE_ROWS);
      const out = await tempDir();
      const result = await runCli(
        ['run', '--provider', 'openai', '--base-url', `${server.url}/v1`, '-d', dataset, '-m', 'gpt-x', '--retries', '0', '--out', out],
        {
          env: { OPENAI_API_KEY: WRONG_KEY, CI: 'true' },
        },
      );
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain('invalid_api_key');
      expect(result.stderr).toMatch(/authentication failed/);
      expect(`${result.stdout}${result.stderr}`).not.toContain(WRONG_KEY);
      // The table labels the outcome and lists the code under it.
      expect(result.stdout).toMatch(/errors of gpt-x: invalid_api_key ×3/);
      const rows = await requestRows(out);
      expect(rows).toHaveLength(3);
      expect(rows.every((row) => row.outcome === 'failed' && row.error_code === 'invalid_api_key')).toBe(true);
      expect((await runSummary(out)).cells[0]!.outcomes.failed).toBe(3);
      expect(server.requests()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('against the v2 simulator (401 invalid_iam_token): exit 4 naming invalid_iam_token', async () => {
    const sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
    try {
      const dataset = await writeDataset(THREE_ROWS);
      const out = await tempDir();
      const result = await runCli(
        ['run', '--provider', 'openai', '--base-url', `${sim.url}/v2`, '-d', dataset, '-m', 'ernie-speed-8k', '--retries', '0', '--quiet', '--out', out],
        {
          env: { OPENAI_API_KEY: WRONG_KEY },
        },
      );
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain('invalid_iam_token');
      expect(result.stderr).not.toContain(WRONG_KEY);
      expect(await requestRows(out)).toHaveLength(3);
    } finally {
      await sim.close();
    }
  });
});
