import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** Every file a run wrote, as text. */
async function outputs(dir: string): Promise<string> {
  const files = await readdir(dir);
  const texts = await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')));
  return texts.join('\n');
}

describe('secrets never reach logs or output files', () => {
  it('keeps AK, SK, IAM keys and the Bearer key out of stdout, stderr, CSV, JSON and HTML', async () => {
    const secrets = {
      ak: 'AK-visible-nowhere-123',
      sk: 'SK-visible-nowhere-456',
      accessKey: 'IAMAK-visible-nowhere-789',
      secretKey: 'IAMSK-visible-nowhere-012',
      bearerToken: 'bearer-visible-nowhere-345',
    };
    const sim = await startSimulator({ ...secrets, firstChunkMs: 1, msPerOutputToken: 0, jitter: 0, faults: { busy: 0.2, http500: 0.1 } });
    try {
      const runs = [
        { args: [], env: { QIANFAN_AK: secrets.ak, QIANFAN_SK: secrets.sk, QIANFAN_BASE_URL: sim.url } },
        { args: [], env: { QIANFAN_ACCESS_KEY: secrets.accessKey, QIANFAN_SECRET_KEY: secrets.secretKey, QIANFAN_BASE_URL: sim.url } },
        { args: ['--provider', 'openai', '--base-url', `${sim.url}/v2`], env: { OPENAI_API_KEY: secrets.bearerToken } },
        // A wrong secret: the error path must not echo it either.
        { args: [], env: { QIANFAN_AK: secrets.ak, QIANFAN_SK: `${secrets.sk}-wrong`, QIANFAN_BASE_URL: sim.url } },
      ];
      for (const run of runs) {
        const out = await tempDir();
        const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--retries', '0', '--out', out, ...run.args], {
          env: { ...run.env, CI: 'true' },
        });
        const everything = `${result.stdout}\n${result.stderr}\n${await outputs(out).catch(() => '')}`;
        for (const secret of Object.values(secrets)) expect(everything).not.toContain(secret);
        expect(everything).not.toMatch(/access_token=[^*&\s"]/);
      }
    } finally {
      await sim.close();
    }
  });
});
