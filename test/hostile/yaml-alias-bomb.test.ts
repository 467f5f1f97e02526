/**
 * A "billion laughs" --config: nine levels of nine aliases expand to 9^9 strings. The reader
 * stops after a few dozen expanded aliases and refuses the file with exit 2 and one line (it used
 * to print the yaml package's ReferenceError with a stack and exit 1). An oversized config file
 * is refused before it is read.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_FILE_BYTES, loadConfigFile } from '../../src/config/config-file.js';
import { isUserError } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';

function billionLaughs(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = 'abcdefghi';
  for (let level = 1; level < names.length; level++) {
    lines.push(`${names[level]}: &${names[level]} [${Array.from({ length: 9 }, () => `*${names[level - 1]}`).join(', ')}]`);
  }
  lines.push('datasets: *i');
  return `${lines.join('\n')}\n`;
}

describe('YAML alias bomb in --config', () => {
  it('is refused with exit 2 and one line, before anything runs', async () => {
    const dir = await tempDir();
    const config = join(dir, 'bomb.yaml');
    await writeFile(config, billionLaughs());
    const result = await runCli(['run', '--config', config, '--sim', '-m', 'ernie-speed-8k', '--out', join(dir, 'out')], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).toContain(`${config}: invalid YAML: its aliases expand to more than`);
  });

  it('still reads a config that shares a setting through an alias or two', async () => {
    const dir = await tempDir();
    const config = join(dir, 'shared.yaml');
    await writeFile(config, 'seed: &n 3\nrepeat: *n\nmodels: [ernie-speed-8k]\n');
    expect(await loadConfigFile(config)).toEqual({ seed: 3, repeat: 3, models: ['ernie-speed-8k'] });
  });

  it('refuses a config file larger than the cap without parsing it', async () => {
    const dir = await tempDir();
    const config = join(dir, 'huge.yaml');
    await writeFile(config, `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    const error: unknown = await loadConfigFile(config).catch((caught: unknown) => caught);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/huge\.yaml: \d+ bytes, more than the 1048576 a config file may have/);
  });
});
