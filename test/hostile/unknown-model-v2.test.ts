/**
 * A model the v2 simulator does not know: every request is answered 401 `invalid_model`. Such a
 * run used to exit 0 after a catalog warning. Now: exit 4 naming invalid_model and its message.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { requestRows, THREE_ROWS, writeDataset } from './loud-helpers.js';

describe('an unknown model on the v2 simulator', () => {
  it('exits 4, naming invalid_model with a sample message', async () => {
    const dataset = await writeDataset(THREE_ROWS);
    const out = await tempDir();
    const result = await runCli(
      ['run', '--sim', '--provider', 'openai', '-d', dataset, '-m', 'my-vllm-model', '--sim-opt', 'firstChunkMs=1', '--retries', '0', '--out', out],
      { env: { CI: 'true' } },
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('my-vllm-model is not in the model catalog');
    expect(result.stderr).toMatch(/no request succeeded: .*invalid_model ×3 "The model does not exist/);
    expect(result.stdout).toMatch(/my-vllm-model\s+3\s+0\s+3\s/);
    expect((await requestRows(out)).every((row) => row.error_code === 'invalid_model')).toBe(true);
  });
});
