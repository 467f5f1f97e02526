import { describe, expect, it } from 'vitest';
import { k8sRunArgs, refuseFlagsForK8s } from '../../src/cli/k8s-run-args.js';

describe('the run flags of qfbench k8s', () => {
  it('pass on what was typed, input files under /datasets and checks to the merge', () => {
    const { runArgs, mergeArgs, inputFiles } = k8sRunArgs(
      {
        datasets: ['data/a.csv', '../b.jsonl'],
        models: ['ernie-speed-8k'],
        catalog: 'conf/catalog.json',
        stream: false,
        concurrency: '1,4',
        rpm: 600,
        shards: 3,
        thresholds: ['ttft.p95<800', 'error_rate<1%'],
        baseline: '/out/last/merged',
        junit: 'ci/junit.xml',
      },
      'nightly',
    );
    expect(runArgs).toEqual([
      '--dataset',
      '/datasets/a.csv',
      '--dataset',
      '/datasets/b.jsonl',
      '--model',
      'ernie-speed-8k',
      '--catalog',
      '/datasets/catalog.json',
      '--no-stream',
      '--concurrency',
      '1,4',
      '--rpm',
      '600',
    ]);
    expect(inputFiles).toEqual([
      { localPath: 'data/a.csv', fileName: 'a.csv' },
      { localPath: '../b.jsonl', fileName: 'b.jsonl' },
      { localPath: 'conf/catalog.json', fileName: 'catalog.json' },
    ]);
    expect(mergeArgs).toEqual([
      '--threshold',
      'ttft.p95<800',
      '--threshold',
      'error_rate<1%',
      '--baseline',
      '/out/last/merged',
      '--junit',
      '/out/nightly/junit.xml',
    ]);
  });

  it('refuse a baseline that is not on the volume, a file name no ConfigMap key can be, and two files of one name', () => {
    expect(() => k8sRunArgs({ datasets: ['a.csv'], baseline: 'reports/last' }, 'n')).toThrow(/--baseline: .*\/out/);
    expect(() => k8sRunArgs({ datasets: ['my prompts.csv'] }, 'n')).toThrow(/ConfigMap/);
    expect(() => k8sRunArgs({ datasets: ['x/a.csv', 'y/a.csv'] }, 'n')).toThrow(/same name, a\.csv/);
    // The same file twice is one file.
    expect(k8sRunArgs({ datasets: ['a.csv', 'a.csv'] }, 'n').inputFiles).toHaveLength(1);
  });

  it('refuse flags a manifest cannot carry, but not their negations', () => {
    expect(() => refuseFlagsForK8s({ apiKey: 'k' })).toThrow(/--api-key/);
    expect(() => refuseFlagsForK8s({ shard: '1/3' })).toThrow(/--shard/);
    expect(() => refuseFlagsForK8s({ sim: false, force: false })).not.toThrow();
  });
});
