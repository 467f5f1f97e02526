import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { parseManifest, validateKubeObject } from './kube-schema.js';

const K8S = ['k8s', '--shards', '3', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k'];
const SENTINELS = { QIANFAN_AK: 'ak-sentinel-4417', QIANFAN_SK: 'sk-sentinel-9023', OPENAI_API_KEY: 'sk-openai-sentinel-5150' };

type Doc = { kind: string; spec?: { template?: { spec: { containers: { args: string[]; env?: { name: string }[] }[] } } } };

function shardContainer(docs: readonly unknown[]): { args: string[]; env?: { name: string }[] } {
  const job = (docs as Doc[]).find((doc) => doc.kind === 'Job');
  const container = job?.spec?.template?.spec.containers[0];
  if (container === undefined) throw new Error('no shard Job');
  return container;
}

/** Exit 2 with one line on stderr and nothing on stdout. */
function expectRefused(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('qfbench k8s', () => {
  it('prints a manifest that validates, with the datasets mounted and no secret from the environment in it', async () => {
    const result = await runCli([...K8S, '-c', '4', '--threshold', 'error_rate<1%', '--name', 'nightly'], { env: SENTINELS });
    expect(result.code, result.stderr).toBe(0);
    const docs = parseManifest(result.stdout);
    expect((docs as Doc[]).map((doc) => doc.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
    for (const doc of docs) validateKubeObject(doc);
    for (const secret of Object.values(SENTINELS)) expect(result.stdout).not.toContain(secret);
    const { args } = shardContainer(docs);
    expect(args.slice(0, 3)).toEqual(['run', '--shards', '3']);
    expect(args).toEqual(expect.arrayContaining(['--dataset', '/datasets/demo.csv', '--concurrency', '4']));
    // Checks are judged once, by the merge, over every shard.
    expect(args).not.toContain('--threshold');
    expect(result.stdout).toContain('error_rate<1%');
  });

  it('reads the credential variables of the provider chosen', async () => {
    const result = await runCli([...K8S, '--provider', 'openai', '--base-url', 'http://vllm.bench.svc:8000/v1']);
    expect(result.code, result.stderr).toBe(0);
    const names = (shardContainer(parseManifest(result.stdout)).env ?? []).map((env) => env.name);
    expect(names).toEqual(['JOB_COMPLETION_INDEX', 'QIANFAN_BEARER_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']);
  });

  it('refuses a key on the command line', async () => {
    expectRefused(await runCli([...K8S, '--provider', 'openai', '--api-key', 'x']), /--api-key: .*Secret/);
  });

  it('refuses a dataset file that is not there, before printing anything', async () => {
    expectRefused(await runCli(['k8s', '--shards', '2', '-d', 'datasets/no-such-file.csv', '-m', 'ernie-speed-8k']), /no-such-file\.csv/);
  });

  it('refuses flags the manifest sets itself or a pod cannot use, saying why', async () => {
    expectRefused(await runCli([...K8S, '--sim']), /--sim: /);
    expectRefused(await runCli([...K8S, '--out', 'reports/x']), /--out: .*\/out\/NAME/);
    expectRefused(await runCli([...K8S, '--force']), /--force: /);
  });

  it('refuses a wrong run flag as run does, and two datasets of one name', async () => {
    expectRefused(await runCli([...K8S, '-c', 'many']), /concurrency/);
    expectRefused(await runCli(['k8s', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k']), /shards/);
    const dir = await tempDir();
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'demo.csv'), 'id,prompt\nq1,hello\n');
    expectRefused(await runCli([...K8S, '-d', join(dir, 'b', 'demo.csv')]), /same name, demo\.csv/);
  });
});
