import { mkdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Create the folder a file goes in, if it is missing. */
export function ensureParentDirSync(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/**
 * Write a whole file so a reader never sees half of it: write a temporary sibling, then rename it
 * over the target (atomic on one file system).
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await writeFile(temp, data, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
