/**
 * `--out` naming a file, or a path through a file: exit 2 with one line, nothing sent. Before the
 * fix: "internal error" and a stack (EEXIST / ENOTDIR from mkdir).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { expectOneLineError, quickSimRun } from './output-folder-helpers.js';

describe('--out that is a file', () => {
  it('refuses a file, and leaves it untouched', async () => {
    const file = join(await tempDir(), 'notes.txt');
    await writeFile(file, 'keep me\n');
    const result = await runCli(quickSimRun(file));
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /--out .*notes\.txt: it is a file, not a folder/);
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
  });

  it('refuses a path through a file, naming the file', async () => {
    const file = join(await tempDir(), 'notes.txt');
    await writeFile(file, 'keep me\n');
    const result = await runCli(quickSimRun(join(file, 'run', 'deeper')));
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cannot create the folder .*: .*notes\.txt is a file, not a folder/);
  });
});
