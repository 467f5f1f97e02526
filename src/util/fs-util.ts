import { mkdirSync, statSync, type Stats } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { configError, type UserError } from '../errors.js';

/**
 * Why a file operation failed, for the errors that are the environment's (a full disk, a folder
 * that cannot be written, a path through a file): one line with the path, exit 2, no stack.
 */
const ENVIRONMENT_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (an immutable or protected folder?)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'no such file or folder, and the file system does not let it be created',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EFBIG: 'the file is too large for the file system',
};

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `error` as a one-line user error when the environment caused it (`what` says what was being
 * done, e.g. `write reports/x/summary.json`; `kept` is added for a full disk), else `error` itself.
 */
export function environmentError(error: unknown, what: string, kept?: string): UserError | unknown {
  const code = errnoCode(error);
  const reason = code !== undefined ? ENVIRONMENT_REASONS[code] : undefined;
  if (reason === undefined) return error;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return configError(full ? `${reason}: cannot ${what}${kept !== undefined ? `; ${kept}` : ''}` : `cannot ${what}: ${reason} (${code})`);
}

/**
 * Create a folder and its missing parents. Not `mkdir({ recursive: true })`: on a file system that
 * answers ENOENT for a folder whose parent exists (`/proc/x`), Node's recursive mkdir retries
 * forever (a run with `--out /proc/x` spun the CPU and never ended).
 */
export async function makeFolder(dir: string): Promise<void> {
  for (const folder of await missingFolders(dir)) {
    try {
      await mkdir(folder);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory() === true) continue;
      throw environmentError(error, `create the folder ${folder}`);
    }
  }
}

/** makeFolder, synchronously. */
export function makeFolderSync(dir: string): void {
  for (const folder of missingFoldersSync(dir)) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && statOrUndefinedSync(folder)?.isDirectory() === true) continue;
      throw environmentError(error, `create the folder ${folder}`);
    }
  }
}

/** The folders to create, outermost first; throws when the nearest existing ancestor is a file. */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const info = await stat(at).catch((error: unknown) => {
      // ENOTDIR: a file further up; found when the walk reaches it.
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
      throw environmentError(error, `create the folder ${dir}`);
    });
    if (info !== undefined) {
      if (!info.isDirectory()) throw configError(`cannot create the folder ${dir}: ${at} is a file, not a folder`);
      return missing;
    }
    missing.unshift(at);
    if (dirname(at) === at) return missing;
  }
}

function missingFoldersSync(dir: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let info: Stats | undefined;
    try {
      info = statSync(at);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'ENOTDIR') throw environmentError(error, `create the folder ${dir}`);
    }
    if (info !== undefined) {
      if (!info.isDirectory()) throw configError(`cannot create the folder ${dir}: ${at} is a file, not a folder`);
      return missing;
    }
    missing.unshift(at);
    if (dirname(at) === at) return missing;
  }
}

function statOrUndefinedSync(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Create the folder a file goes in, if it is missing. */
export function ensureParentDirSync(path: string): void {
  makeFolderSync(dirname(path));
}

/**
 * Write a whole file so a reader never sees half of it: write a temporary sibling, then rename it
 * over the target (atomic on one file system). A full disk or an unwritable folder is a one-line
 * user error naming the file; the target keeps its earlier content.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await makeFolder(dirname(path));
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await writeFile(temp, data, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw environmentError(error, `write ${path}`, 'the files written before it are kept');
  }
}

/** Whether anything is at `path` (a file or a folder); false for any error reaching it. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
