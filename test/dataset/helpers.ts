import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { isUserError } from '../../src/errors.js';

/** A temp dir per test file; `fixture(name, content)` writes a file in it and returns its path. */
export function useFixtures(): { fixture: (name: string, content: string | Buffer) => Promise<string>; dir: () => string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qfbench-dataset-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    fixture: async (name, content) => {
      const file = join(dir, name);
      await writeFile(file, content);
      return file;
    },
  };
}

/** Awaits `promise`, expects a dataset UserError and returns its message. */
export async function datasetErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    if (isUserError(error)) {
      expect(error.kind).toBe('dataset');
      return error.message;
    }
  }
  throw new Error('expected a dataset error, but loading succeeded');
}
