import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { CREDENTIAL_ENV } from '../../src/k8s/credential-env.js';
import { CONFIGMAP_LIMIT_BYTES, buildManifest, type ManifestInput } from '../../src/k8s/manifest.js';
import { manifestYaml } from '../../src/k8s/manifest-yaml.js';
import { kubeExpand, parseManifest, validateKubeObject } from './kube-schema.js';

const DATASET = 'id,prompt\nq1,"Say ""yes"" or no: on?"\nq2,价格是 $5 吗？\n';

function input(overrides: Partial<ManifestInput> = {}): ManifestInput {
  return {
    shards: 3,
    image: 'registry.example/qfbench:0.1.0',
    name: 'nightly',
    namespace: 'bench',
    runArgs: ['--dataset', '/datasets/prompts.csv', '--model', 'ernie-speed-8k', '--endpoint', 'yes', '--param', 'stop=$(HOME)', '--concurrency', '8'],
    inputs: [{ fileName: 'prompts.csv', content: DATASET }],
    secretName: 'qianfan-keys',
    credentialEnv: CREDENTIAL_ENV.qianfan,
    volume: { storage: '2Gi', storageClassName: 'nfs' },
    mergeArgs: ['--threshold', 'ttft.p95<800', '--junit', '/out/nightly/junit.xml'],
    mergeWaitSeconds: 7200,
    ...overrides,
  };
}

interface Container {
  command: string[];
  args: string[];
  env?: { name: string; valueFrom: Record<string, Record<string, unknown>> }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface JobDoc {
  kind: 'Job';
  metadata: { name: string; namespace?: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    backoffLimit: number;
    activeDeadlineSeconds?: number;
    template: { spec: { restartPolicy: string; containers: Container[]; volumes: Record<string, unknown>[] } };
  };
}

/** The manifest as kubectl would read it back from the YAML. */
function documents(manifest: ManifestInput = input()): Record<string, unknown>[] {
  return parseManifest(manifestYaml(buildManifest(manifest))) as Record<string, unknown>[];
}

function jobNamed(docs: readonly Record<string, unknown>[], suffix: string): JobDoc {
  const job: unknown = docs.find((doc) => doc['kind'] === 'Job' && (doc['metadata'] as { name: string }).name.endsWith(suffix));
  if (job === undefined) throw new Error(`no Job *${suffix}`);
  return job as JobDoc;
}

describe('the Kubernetes manifest of a sharded run', () => {
  it('is valid under the Kubernetes API schema, object by object, as read back from its YAML', () => {
    for (const manifest of [input(), input({ volume: { claimName: 'shared-out', storage: '1Gi' }, namespace: undefined, shards: 1 })]) {
      const docs = documents(manifest);
      expect(docs.length).toBeGreaterThanOrEqual(3);
      for (const doc of docs) expect(() => validateKubeObject(doc), JSON.stringify(doc).slice(0, 80)).not.toThrow();
    }
  });

  it('fails validation when an object is broken (the check is not vacuous)', () => {
    const docs = documents();
    const job = jobNamed(docs, '-shards');
    expect(() => validateKubeObject({ ...job, spec: { ...job.spec, completionMode: 'indexed' } })).toThrow(/completionMode/);
    expect(() => validateKubeObject({ ...job, spec: { ...job.spec, completions: '3' } })).toThrow(/completions/);
    const configMap = docs.find((doc) => doc['kind'] === 'ConfigMap');
    expect(() => validateKubeObject({ ...configMap, data: { 'prompts.csv': 42 } })).toThrow(/data/);
  });

  it('runs the shards as an Indexed Job: N completions, N in parallel, no restarts, pod I writing shard-I', () => {
    const job = jobNamed(documents(), '-shards');
    expect(job.metadata).toMatchObject({ name: 'nightly-shards', namespace: 'bench' });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    expect(job.spec.backoffLimit).toBeLessThanOrEqual(1);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const container = job.spec.template.spec.containers[0]!;
    expect(container.args.slice(0, 3)).toEqual(['run', '--shards', '3']);
    // The index comes from the downward API, declared, so that Kubernetes expands $(JOB_COMPLETION_INDEX) in args.
    expect(container.env?.find((env) => env.name === 'JOB_COMPLETION_INDEX')?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
    });
    const received = container.args.map((arg) => kubeExpand(arg, { JOB_COMPLETION_INDEX: '2' }));
    expect(received.slice(-2)).toEqual(['--out', '/out/nightly/shard-2']);
    // The user's own flags reach qfbench exactly as given, a `$(…)` in a value included.
    expect(received).toEqual(['run', '--shards', '3', ...input().runArgs, '--out', '/out/nightly/shard-2']);
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([expect.objectContaining({ mountPath: '/datasets' }), expect.objectContaining({ mountPath: '/out' })]),
    );
  });

  it('takes every credential from the Secret by key reference, optional, and holds no secret value', () => {
    const container = jobNamed(documents(), '-shards').spec.template.spec.containers[0]!;
    const fromSecret = (container.env ?? []).filter((env) => env.valueFrom['secretKeyRef'] !== undefined);
    expect(fromSecret.map((env) => env.name)).toEqual([...CREDENTIAL_ENV.qianfan]);
    for (const env of fromSecret) expect(env.valueFrom['secretKeyRef']).toEqual({ name: 'qianfan-keys', key: env.name, optional: true });
    expect(container.env?.every((env) => !('value' in env))).toBe(true);
  });

  it('reads credentials under the names qfbench reads them by', async () => {
    const sources = (await Promise.all(['src/providers/qianfan/credentials.ts', 'src/run/open-target.ts'].map((file) => readFile(file, 'utf8')))).join('\n');
    for (const name of [...CREDENTIAL_ENV.qianfan, ...CREDENTIAL_ENV.openai]) expect(sources, name).toContain(`env.${name}`);
  });

  it('puts the input files into the ConfigMap unchanged, and the outputs on a ReadWriteMany claim', () => {
    const docs = documents();
    const configMap = docs.find((doc) => doc['kind'] === 'ConfigMap');
    expect(configMap?.['data']).toEqual({ 'prompts.csv': DATASET });
    const claim = docs.find((doc) => doc['kind'] === 'PersistentVolumeClaim');
    expect(claim?.['spec']).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'nfs' });
  });

  it('uses an existing claim instead of creating one', () => {
    const docs = documents(input({ volume: { claimName: 'shared-out', storage: '1Gi' } }));
    expect(docs.some((doc) => doc['kind'] === 'PersistentVolumeClaim')).toBe(false);
    for (const suffix of ['-shards', '-merge']) {
      expect(jobNamed(docs, suffix).spec.template.spec.volumes).toContainEqual({ name: 'out', persistentVolumeClaim: { claimName: 'shared-out' } });
    }
  });

  it('merges after the shards, waiting a bounded time for every summary.json, with the checks', () => {
    const merge = jobNamed(documents(), '-merge');
    expect(merge.spec.completionMode).toBeUndefined();
    expect(merge.spec.activeDeadlineSeconds).toBeGreaterThan(7200);
    const container = merge.spec.template.spec.containers[0]!;
    expect(container.args).toEqual([
      'merge',
      '/out/nightly/shard-0',
      '/out/nightly/shard-1',
      '/out/nightly/shard-2',
      '--out',
      '/out/nightly/merged',
      '--threshold',
      'ttft.p95<800',
      '--junit',
      '/out/nightly/junit.xml',
    ]);
    const script = kubeExpand(container.command[2]!, {});
    expect(script).toContain('summary.json');
    expect(script).toContain('-ge 7200');
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
  });

  it('lets a shard whose checks failed (exit 3) end well, as the merge judges the checks', async () => {
    const container = jobNamed(documents(), '-shards').spec.template.spec.containers[0]!;
    const script = kubeExpand(container.command[2]!, {});
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
    const bin = await mkdtemp(join(tmpdir(), 'qfbench-k8s-'));
    for (const [code, expected] of [
      [0, 0],
      [3, 0],
    ] as const) {
      await writeFile(join(bin, 'qfbench'), `#!/bin/sh\nexit ${code}\n`);
      await chmod(join(bin, 'qfbench'), 0o755);
      const result = spawnSync('sh', ['-c', script, 'qfbench', 'run'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      expect(result.status, `qfbench exit ${code}`).toBe(expected);
    }
  });

  it('refuses input files over what a ConfigMap holds, naming the limit', () => {
    const big = 'x'.repeat(CONFIGMAP_LIMIT_BYTES);
    let caught: unknown;
    try {
      buildManifest(input({ inputs: [{ fileName: 'big.csv', content: big }] }));
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/1 MiB/);
    expect((caught as Error).message).not.toContain('\n');
  });
});
