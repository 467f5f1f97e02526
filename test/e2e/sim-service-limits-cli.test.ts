/**
 * `run --sim` serves the run's own catalog: `--endpoint X --base-model ernie-speed-8k` gives the
 * in-process simulator the SFT service's limits (input + output within 8,192 tokens), so what the
 * client's pre-check lets through the simulator answers and what it refuses the simulator refuses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/types.js';
import { DEFAULT_TIMEOUTS } from '../../src/providers/http.js';
import { openTarget } from '../../src/run/open-target.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** `tokens` tokens both for the client's estimate (one per word) and the simulator (one per word of up to four letters), in 3 characters each. */
const promptOf = (tokens: number): string => 'ab '.repeat(tokens).trim();

async function datasetOf(tokens: number): Promise<string> {
  const file = join(await tempDir(), `prompt-${tokens}.jsonl`);
  await writeFile(file, `${JSON.stringify({ id: `in-${tokens}`, prompt: promptOf(tokens) })}\n`);
  return file;
}

const sftRun = (dataset: string, out: string): string[] =>
  ['run', '--sim', '--endpoint', 'my-sft', '--base-model', 'ernie-speed-8k', '-d', dataset, '-p', 'max_output_tokens=1024'].concat([
    '--sim-opt',
    'firstChunkMs=1',
    '--sim-opt',
    'msPerOutputToken=0',
    '--sim-opt',
    'outputTokens={"min":2000,"max":2000}',
    '--out',
    out,
    '--quiet',
  ]);

describe('run --sim --endpoint X --base-model ernie-speed-8k', () => {
  it('7K tokens in with max_output_tokens 1024: the pre-check and the simulator both accept it', async () => {
    const out = await tempDir();
    const result = await runCli(sftRun(await datasetOf(7000), out));
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.cells[0]?.outcomes.ok).toBe(1);
    expect(summary.cells[0]?.tokens.completion).toBe(1024);
  });

  it('7,200 tokens in: the pre-check refuses before sending', async () => {
    const result = await runCli(sftRun(await datasetOf(7200), await tempDir()));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/8192-token budget/);
  });

  it("the run's simulator refuses the same body with 336103, and serves 7K in with 1K out", async () => {
    const target = await openTarget(
      { provider: 'qianfan', sim: true, endpoints: ['my-sft'], baseModel: 'ernie-speed-8k' },
      { connections: 1, timeouts: DEFAULT_TIMEOUTS, simOptions: { firstChunkMs: 1, msPerOutputToken: 0 } },
    );
    try {
      if (target.auth.protocol !== 'qianfan' || target.auth.auth.kind !== 'oauth') throw new Error('the simulator target uses OAuth');
      const { ak, sk } = target.auth.auth.credentials;
      const tokenAnswer = await request(`${target.baseUrl}/oauth/2.0/token?grant_type=client_credentials&client_id=${ak}&client_secret=${sk}`, {
        method: 'POST',
      });
      const token = String(((await tokenAnswer.body.json()) as { access_token: string }).access_token);
      const send = async (tokens: number): Promise<Record<string, unknown>> => {
        const answer = await request(`${target.baseUrl}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/my-sft?access_token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: promptOf(tokens) }], max_output_tokens: 1024 }),
        });
        return (await answer.body.json()) as Record<string, unknown>;
      };
      expect((await send(7200)).error_code).toBe(336103);
      expect((await send(7000)).error_code).toBeUndefined();
    } finally {
      await target.close();
    }
  });
});

describe('run --sim --catalog FILE --endpoint X --base-model B', () => {
  it("the simulator serves the catalog file's customService of the base: its default output cap", async () => {
    const dir = await tempDir();
    const catalog = join(dir, 'catalog.json');
    const service = { maxInputChars: 1000, maxTotalTokens: 400, maxOutputTokens: 300, defaultMaxOutputTokens: 17, params: ['max_output_tokens'] };
    await writeFile(catalog, JSON.stringify({ models: [{ name: 'My-Base', endpoint: 'my-base-preset', maxInputChars: 1000, customService: service }] }));
    const out = join(dir, 'out');
    const args = ['run', '--sim', '--catalog', catalog, '--endpoint', 'my-svc', '--base-model', 'My-Base', '-d', await datasetOf(300)];
    const result = await runCli([...args, '--sim-opt', 'firstChunkMs=1', '--sim-opt', 'outputTokens={"min":2000,"max":2000}', '--out', out, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.cells[0]?.outcomes.ok).toBe(1);
    expect(summary.cells[0]?.tokens.completion).toBe(17);
  });
});
