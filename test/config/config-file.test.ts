import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, runConfigWithFile } from '../../src/config/config-file.js';
import { parseRunConfig } from '../../src/config/run-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfbench-config-'));
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('--config files', () => {
  it('read YAML with the run configuration’s keys, defaults filled in by the schema', async () => {
    const path = await file(
      'ci.yaml',
      [
        '# yaml-language-server: $schema=../schema/qfbench.schema.json',
        '$schema: ../schema/qfbench.schema.json',
        'datasets: [suite.jsonl]',
        'models:',
        '  - ernie-speed-8k',
        'concurrency: 1,4',
        'stream: false',
        'tolerance: 10%',
        'thresholds:',
        '  - ttft.p95<800',
        '  - model=ernie-speed-8k:error_rate<1%',
        'summaryMd: summary.md',
      ].join('\n'),
    );
    const config = await runConfigWithFile(path, {});
    expect(config).toMatchObject({
      datasets: ['suite.jsonl'],
      models: ['ernie-speed-8k'],
      concurrency: [1, 4],
      stream: false,
      tolerance: 0.1,
      summaryMd: 'summary.md',
      repeat: 1,
      jsTimeout: 2,
    });
    expect(config.thresholds).toEqual(['ttft.p95<800', 'model=ernie-speed-8k:error_rate<1%']);
    expect(Object.hasOwn(config, '$schema')).toBe(false);
  });

  it('let flags given on the command line win, key by key (a list replaces the file’s list)', async () => {
    const path = await file(
      'base.json',
      JSON.stringify({ datasets: ['a.csv', 'b.csv'], models: ['ernie-speed-8k'], repeat: 3, stream: false, thresholds: ['pass_rate>=0.9'] }),
    );
    const config = await runConfigWithFile(path, { repeat: 1, datasets: ['c.csv'], stream: true });
    expect(config).toMatchObject({ datasets: ['c.csv'], models: ['ernie-speed-8k'], repeat: 1, stream: true, thresholds: ['pass_rate>=0.9'] });
    // Without the file, the same flags alone.
    expect(parseRunConfig({ datasets: ['c.csv'], models: ['m'] }).repeat).toBe(1);
  });

  it('name the file, line, column and key of a bad value', async () => {
    const path = await file('bad.yaml', 'datasets: [a.csv]\nmodels: [ernie-speed-8k]\nrepeat: two\n');
    await expect(loadConfigFile(path)).rejects.toThrow(`${path}:3:9: repeat: Invalid input: expected number, received string`);
    const threshold = await file('threshold.yml', 'thresholds:\n  - ttft.p95<800\n  - ttft.p95 < fast\n');
    await expect(loadConfigFile(threshold)).rejects.toThrow(`${threshold}:3:5: thresholds[1]: "ttft.p95 < fast": limit "fast" is not a number`);
    const json = await file('bad.json', '{\n  "datasets": ["a.csv"],\n  "tolerance": "lots"\n}\n');
    await expect(loadConfigFile(json)).rejects.toThrow(`${json}:3:16: tolerance: give a percentage such as 5% or a fraction such as 0.05`);
  });

  it('refuse unknown keys, with a hint for kebab-case and singular names', async () => {
    await expect(loadConfigFile(await file('kebab.yaml', 'max-requests: 5\n'))).rejects.toThrow(
      /kebab\.yaml:1:1: unknown key "max-requests"; did you mean "maxRequests"\?/,
    );
    await expect(loadConfigFile(await file('singular.yaml', 'datasets: [a]\nthreshold: [ttft.p95<1]\n'))).rejects.toThrow(
      /singular\.yaml:2:1: unknown key "threshold"; did you mean "thresholds"\?/,
    );
    await expect(loadConfigFile(await file('odd.yaml', 'colour: blue\n'))).rejects.toThrow(
      /unknown key "colour"; the keys are those of schema\/qfbench\.schema\.json/,
    );
  });

  it('suggest the closest key for a typo', async () => {
    await expect(loadConfigFile(await file('typo.yaml', 'datasets: [a]\nconcurency: 4\n'))).rejects.toThrow(
      /typo\.yaml:2:1: unknown key "concurency"; did you mean "concurrency"\?/,
    );
  });

  it('list every problem of the file, in the order of its lines, each with its key path', async () => {
    const path = await file('three.yaml', 'datasets: [a.csv]\nconcurency: 4\nrepeat: two\nthresholds:\n  - ttft.p95 < fast\n');
    const error = await loadConfigFile(path).catch((caught: unknown) => caught as Error);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe(`${path}: 3 problems:`);
    expect(lines.slice(1)).toEqual([
      `  ${path}:2:1: unknown key "concurency"; did you mean "concurrency"?`,
      `  ${path}:3:9: repeat: Invalid input: expected number, received string`,
      expect.stringMatching(
        new RegExp(`^  ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:5: thresholds\\[0\\]: "ttft.p95 < fast": limit "fast" is not a number`),
      ),
    ]);
  });

  it('refuse files that are not settings', async () => {
    await expect(loadConfigFile(join(dir, 'absent.yaml'))).rejects.toThrow(`--config ${join(dir, 'absent.yaml')}: no such file`);
    await expect(loadConfigFile(await file('c.toml', 'a = 1'))).rejects.toThrow(/give a \.yaml, \.yml or \.json file/);
    await expect(loadConfigFile(await file('empty.yaml', '# nothing\n'))).rejects.toThrow(/the file is empty/);
    await expect(loadConfigFile(await file('list.yaml', '- a\n- b\n'))).rejects.toThrow(/expected settings \(key: value\) at the top level/);
    await expect(loadConfigFile(await file('broken.yaml', 'datasets: [a\n'))).rejects.toThrow(/broken\.yaml:2:1: invalid YAML: /);
    await expect(loadConfigFile(await file('twice.yaml', 'repeat: 1\nrepeat: 2\n'))).rejects.toThrow(/twice\.yaml:2:1: invalid YAML: Map keys must be unique/);
    await expect(loadConfigFile(await file('broken.json', '{"repeat": 1,}'))).rejects.toThrow(/broken\.json: invalid JSON: /);
  });
});
