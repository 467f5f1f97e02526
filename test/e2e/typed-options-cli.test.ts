/**
 * Every command on the typed options, through the real CLI: estimate --config, did-you-mean for
 * flags, config keys and -p parameters, every problem of a config file at once, the usage of a
 * bare `qfbench run`, and help text that is whole (no word cut at a line end, defaults, examples).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompareOptionsSchema,
  EstimateOptionsSchema,
  MergeOptionsSchema,
  ModelsOptionsSchema,
  ReportOptionsSchema,
  SimCommandOptionsSchema,
} from '../../src/config/command-options.js';
import { RunConfigSchema } from '../../src/config/run-config.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
  dir = await tempDir();
});
afterAll(async () => sim.close());

const env = (): Record<string, string> => ({ QIANFAN_BASE_URL: sim.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk });

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('estimate reads the run configuration the way run does', () => {
  it('takes --config FILE, and flags on top of it', async () => {
    const config = await file('estimate.yaml', 'datasets: [datasets/demo.csv]\nmodels: [ernie-speed-8k]\nrepeat: 3\n');
    const result = await runCli(['estimate', '--config', config, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const plain = await runCli(['estimate', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--repeat', '3', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(plain.stdout));
    const more = await runCli(['estimate', '--config', config, '--repeat', '6', '--json']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).not.toBe(result.stdout);
  });
});

describe('mistakes get one line, exit 2 and the closest real name', () => {
  it('an unknown flag', async () => {
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '--concurency', '4', '--sim']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('qfbench: unknown flag --concurency; did you mean --concurrency? (see qfbench run --help)\n');
    const compare = await runCli(['compare', 'a', 'b', '--tolerence', '5%']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toMatch(/^qfbench: unknown flag --tolerence; did you mean --tolerance\?.*\n$/);
  });

  it('an unknown config key', async () => {
    const config = await file('typo.yaml', 'datasets: [datasets/demo.csv]\nmodels: [ernie-speed-8k]\nconcurency: 4\n');
    const result = await runCli(['run', '--config', config, '--sim']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`qfbench: ${config}:3:1: unknown key "concurency"; did you mean "concurrency"?\n`);
  });

  it('a config file with three problems lists all three', async () => {
    const config = await file(
      'three.json',
      JSON.stringify({ datasets: ['datasets/demo.csv'], models: ['ernie-speed-8k'], repat: 2, retries: -1, thresholds: ['ttft.p95 < fast'] }, null, 2),
    );
    const result = await runCli(['estimate', '--config', config]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`qfbench: ${config}: 3 problems:`);
    expect(lines).toHaveLength(4);
    // JSON.stringify(…, null, 2) puts each list item on a line of its own.
    expect(lines[1]).toBe(`  ${config}:8:3: unknown key "repat"; did you mean "repeat"?`);
    expect(lines[2]).toMatch(/:9:14: retries: /);
    expect(lines[3]).toMatch(/:11:5: thresholds\[0\]: "ttft.p95 < fast"/);
  });

  it('a bare `qfbench run` prints the usage and an example', async () => {
    const result = await runCli(['run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Usage:\n {2}qfbench run -d DATASET -m MODEL/);
    expect(result.stderr).toMatch(/\n {2}qfbench run --sim -d datasets\/demo\.csv -m ernie-speed-8k/);
    expect(result.stderr).not.toMatch(/Invalid input|expected array/);
  });

  it('`qfbench run --sim` with no dataset prints the usage too, not validator text', async () => {
    const result = await runCli(['run', '--sim', '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage:\n {2}qfbench run -d DATASET -m MODEL/);
    expect(result.stderr).not.toMatch(/Invalid input|expected array/);
  });
});

describe('-p keys no model of the run accepts', () => {
  it('are refused before any request, with a suggestion', async () => {
    const before = sim.stats.httpRequests;
    const out = join(dir, 'temprature');
    const result = await runCli(['run', '-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'temprature=0.5', '--out', out, '--quiet'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'qfbench: -p temprature: no model of this run accepts temprature; did you mean temperature? (--allow-unknown-params sends it anyway)\n',
    );
    expect(sim.stats.httpRequests).toBe(before);
    expect(existsSync(join(out, 'requests.csv'))).toBe(false);
  });

  it('are sent with --allow-unknown-params, with a warning', async () => {
    const before = sim.stats.chatRequests;
    const dataset = await file('one.jsonl', `${JSON.stringify({ prompt: 'hello' })}\n`);
    const result = await runCli(
      ['run', '-d', dataset, '-m', 'ernie-speed-8k', '-p', 'temprature=0.5', '--allow-unknown-params', '--out', join(dir, 'allowed'), '--quiet'],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: .*does not accept temprature/);
    expect(sim.stats.chatRequests - before).toBe(1);
  });
});

/** The help text with its line breaks and indentation folded into single spaces. */
const folded = (text: string): string => text.replace(/\s+/g, ' ');

const SCHEMAS: Record<string, Array<z.ZodObject>> = {
  run: [RunConfigSchema],
  // estimate's own --json (the estimate as JSON) takes the place of run's (the summary as JSON).
  estimate: [RunConfigSchema.omit({ json: true }), EstimateOptionsSchema],
  compare: [CompareOptionsSchema],
  merge: [MergeOptionsSchema],
  sim: [SimCommandOptionsSchema],
  report: [ReportOptionsSchema],
  models: [ModelsOptionsSchema],
  tokens: [],
};

describe('help', () => {
  it.each(Object.keys(SCHEMAS))('of %s has an example and defaults, and breaks lines only at spaces', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    const help = result.stdout;
    expect(help).toMatch(/\nExamples:\n {2}qfbench /);
    expect(help).toMatch(/\[default: [^\]]+\]/);
    // A description cut inside a word would not read whole once the lines are joined at spaces.
    for (const schema of SCHEMAS[command] ?? []) {
      for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        expect(field.description, key).toBeDefined();
        expect(folded(help), `${command} ${key}`).toContain(folded(field.description ?? ''));
      }
    }
    for (const line of help.split('\n')) {
      expect(line.length, line).toBeLessThanOrEqual(100);
      // A type or default glued onto the end of a description.
      expect(line, line).not.toMatch(/[^\s[]\[(string|array|boolean|number|choices|default|required)/);
    }
  });

  it('shows the default of every run flag that has one', async () => {
    const help = folded((await runCli(['run', '--help'])).stdout);
    for (const [flag, shown] of [
      ['--concurrency', '8'],
      ['--repeat', '1'],
      ['--tolerance', '5%'],
      ['--stream', 'true'],
      ['--max-response-bytes', '8388608'],
    ] as const) {
      expect(help).toMatch(new RegExp(`${flag} [^[]*\\[(string|number|boolean)\\] \\[default: ${shown}\\]`));
    }
  });
});
