import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function jsonl(name: string, lines: unknown[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return file;
}

/** Runs the CLI expecting a refusal; returns stderr. Asserts nothing reached the simulator. */
async function refused(args: string[]): Promise<string> {
  const before = sim.stats.httpRequests;
  const result = await runCli(['run', '--out', join(dir, 'out'), '--quiet', ...args], { env: env() });
  expect(result.code, result.stderr).toBe(2);
  expect(sim.stats.httpRequests).toBe(before);
  return result.stderr;
}

describe('validation before sending, through the CLI', () => {
  it.each([
    ['temperature=0', /-p temperature: temperature is 0; it must be greater than 0/],
    ['top_p=1.5', /-p top_p: .*1\.5.*\[0, 1\]|top_p.*1\.5.*at most 1/],
    ['penalty_score=0.5', /penalty_score.*0\.5/],
    ['frequency_penalty=3', /frequency_penalty.*3/],
    ['presence_penalty=-2.5', /presence_penalty.*-2\.5/],
    ['max_output_tokens=4096', /max_output_tokens.*4096.*2048/],
    ['max_output_tokens=1', /max_output_tokens.*1/],
    ['stop=a|b|c|d|e', /stop.*5.*4/],
    ['stop=abcdefghijklmnopqrstuvwxyz', /stop.*20/],
  ])('-p %s is refused naming the limit', async (param, message) => {
    const stderr = await refused(['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', param]);
    expect(stderr).toMatch(message);
  });

  it('min_output_tokens above max_output_tokens is refused', async () => {
    const stderr = await refused(['-d', 'datasets/demo.csv', '-m', 'ernie-speed-8k', '-p', 'max_output_tokens=100', '-p', 'min_output_tokens=200']);
    expect(stderr).toMatch(/min_output_tokens.*200.*max_output_tokens.*100/);
  });

  it('refuses conversations of the wrong shape, naming file:line', async () => {
    const file = await jsonl('shape.jsonl', [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'assistant', content: 'c' },
          { role: 'user', content: 'd' },
        ],
      },
    ]);
    const stderr = await refused(['-d', file, '-m', 'ernie-speed-8k']);
    expect(stderr).toContain(`${file}:2`);
    expect(stderr).toContain(`${file}:3`);
    expect(stderr).not.toContain(`${file}:1:`);
  });

  it('refuses an input over the model character limit, counting system and messages', async () => {
    const file = await jsonl('long.jsonl', [{ system: '系'.repeat(10), prompt: '长'.repeat(20_000) }]);
    const stderr = await refused(['-d', file, '-m', 'ernie-4.0-8k']);
    expect(stderr).toMatch(new RegExp(`${file}:1.*20010.*20000`));
  });

  it('refuses an input whose estimated tokens pass the model token limit', async () => {
    const file = await jsonl('tokens.jsonl', [{ prompt: Array.from({ length: 6000 }, () => 'word').join(' ') }]);
    const stderr = await refused(['-d', file, '-m', 'ernie-4.0-8k']);
    expect(stderr).toMatch(/estimate/);
    expect(stderr).toMatch(/5120/);
  });

  it('allows 7K output on an SFT service of ERNIE-Speed, and refuses input + output over 8192', async () => {
    const short = await jsonl('short.jsonl', [{ prompt: 'hi' }]);
    const before = sim.stats.chatRequests;
    const ok = await runCli(
      [
        'run',
        '-d',
        short,
        '--endpoint',
        'my-sft-speed',
        '--base-model',
        'ernie-speed-8k',
        '-p',
        'max_output_tokens=7000',
        '--out',
        join(dir, 'sft'),
        '--quiet',
      ],
      { env: env() },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(sim.stats.chatRequests - before).toBe(1);
    expect(await readFile(join(dir, 'sft', 'requests.csv'), 'utf8')).toMatch(/,ok,/);
    const long = await jsonl('sft-long.jsonl', [{ prompt: Array.from({ length: 1500 }, () => 'word').join(' ') }]);
    const stderr = await refused(['-d', long, '--endpoint', 'my-sft-speed', '--base-model', 'ernie-speed-8k', '-p', 'max_output_tokens=7000']);
    expect(stderr).toMatch(/8192/);
    const preset = await refused(['-d', short, '-m', 'ernie-speed-8k', '-p', 'max_output_tokens=7000']);
    expect(preset).toMatch(/2048/);
    const notSft = await refused(['-d', short, '--endpoint', 'my-sft', '--base-model', 'ernie-4.0-8k', '-p', 'max_output_tokens=7000']);
    expect(notSft).toMatch(/--base-model/);
  });

  it('warns, and still runs, when one model of the run does not accept a parameter another accepts', async () => {
    const short = await jsonl('warn.jsonl', [{ prompt: 'hello' }]);
    // A key that no model of the run accepts is refused instead (test/e2e/typed-options-cli.test.ts).
    const result = await runCli(
      ['run', '-d', short, '-m', 'ernie-4.0-8k', '-m', 'ernie-speed-8k', '-p', 'min_output_tokens=10', '--out', join(dir, 'warn'), '--quiet'],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: .*does not accept min_output_tokens/);
  });

  it('extends the catalog with a custom service from --catalog', async () => {
    const catalog = join(dir, 'catalog.json');
    await writeFile(catalog, JSON.stringify({ models: [{ name: 'Dolly-12B', endpoint: 'dolly_12b', maxInputChars: 4800, params: ['temperature', 'top_k'] }] }));
    const short = await jsonl('dolly.jsonl', [{ prompt: 'x'.repeat(4801) }]);
    const stderr = await refused(['-d', short, '-m', 'dolly-12b', '--catalog', catalog]);
    expect(stderr).toMatch(/4801.*4800/);
    const bad = join(dir, 'bad-catalog.json');
    await writeFile(bad, JSON.stringify({ models: [{ name: 'X', endpoint: 'x' }] }));
    expect(await refused(['-d', short, '-m', 'x', '--catalog', bad])).toMatch(/models\[0\]\.maxInputChars/);
  });
});
