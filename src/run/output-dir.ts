/**
 * The output folder is the run's own. Before the first request it is settled (created, checked to
 * be a folder), taken with a lock file created exclusively (which also proves it is writable: an
 * unwritable, immutable or impossible folder and a full disk are found here, not mid-run), and
 * checked for an earlier run's files. Two runs into one folder used to both exit 0 and interleave
 * one requests.csv into invalid UTF-8.
 *
 * The lock holds the holder's pid, host and start time. It is removed when the run ends, whatever
 * the end (error, Ctrl-C, SIGHUP, and `process.exit` through an exit hook); only SIGKILL or a crash
 * of the machine leaves it, and a later run on the same host takes over a lock whose pid is gone.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { lstat, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { configError, UserError } from '../errors.js';
import { environmentError, errnoCode, makeFolder } from '../util/fs-util.js';

export const LOCK_FILE = '.qfbench.lock';

/** The files whose presence means a folder already holds a run. */
export const RUN_MARKER_FILES = ['requests.csv', 'summary.json', 'run.json'] as const;

/** Everything a run writes into its folder: replaced together, so a forced run never leaves a mix of two runs. */
const RUN_OUTPUT_FILES = ['requests.csv', 'summary.json', 'summary.csv', 'report.html', 'run.json'] as const;

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * What to do with a folder that already holds a run: refuse (the default), replace its files
 * (`--force`), or keep them to continue the run in place (`--resume`, which needs one there).
 */
export type ExistingRunPolicy = 'refuse' | 'overwrite' | 'resume';

export interface ClaimOptions {
  existingRun: ExistingRunPolicy;
  /** Told when a stale lock (its pid is gone on this host) is taken over. */
  warn?: (message: string) => void;
}

export interface ClaimedOutputDir {
  readonly dir: string;
  /** The earlier run's marker files found there (with `overwrite`, already removed). */
  readonly existing: readonly string[];
  /** Removes the lock; idempotent. */
  release(): Promise<void>;
}

/** Another live run holds the folder. */
export class OutputDirInUse extends UserError {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super('config', `--out ${dir}: ${describeHolder(holder)} is writing there; wait for it to end or give another --out folder`);
  }
}

/** `reports/<timestamp>`, with `-2`, `-3`, … when a run started in the same second took that name. */
export function defaultOutDir(now: Date = new Date()): string {
  const base = join(
    'reports',
    now
      .toISOString()
      .replace(/\.\d+Z$/, '')
      .replaceAll(':', '-'),
  );
  if (!existsSync(base)) return base;
  for (let n = 2; ; n++) if (!existsSync(`${base}-${n}`)) return `${base}-${n}`;
}

export async function claimOutputDir(dir: string, options: ClaimOptions): Promise<ClaimedOutputDir> {
  // A symbolic link to a folder is a folder; ENOTDIR (a path through a file) is reported by makeFolder.
  const info = await stat(dir).catch((error: unknown) =>
    errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR' ? undefined : Promise.reject(environmentError(error, `use --out ${dir}`)),
  );
  if (info !== undefined && !info.isDirectory()) throw configError(`--out ${dir}: it is a file, not a folder; give a folder (it is created if missing)`);
  await makeFolder(dir).catch((error: unknown) => Promise.reject(prefixed(error, `--out ${dir}`)));
  const lockPath = join(dir, LOCK_FILE);
  await takeLock(dir, lockPath, options.warn);

  // From here the folder is ours: the lock goes, whatever happens next.
  let released = false;
  const removeAtExit = (): void => {
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', removeAtExit);
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    process.off('exit', removeAtExit);
    await rm(lockPath, { force: true }).catch(() => undefined);
  };
  try {
    const existing = await existingRunFiles(dir);
    if (options.existingRun === 'resume') {
      if (!existing.includes('run.json')) throw configError(`--resume ${dir}: no run.json there; only a folder a qfbench run wrote can be resumed`);
      return { dir, existing, release };
    }
    if (existing.length > 0) {
      if (options.existingRun === 'refuse') {
        const choices = `give --force to replace it, --resume ${dir} to continue it, or another --out folder`;
        throw configError(`--out ${dir} already holds a run (${existing.join(', ')}); ${choices}`);
      }
      for (const file of RUN_OUTPUT_FILES) {
        await rm(join(dir, file), { force: true }).catch((error: unknown) => Promise.reject(environmentError(error, `replace ${join(dir, file)}`)));
      }
    }
    return { dir, existing, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Create the lock file exclusively; take over a stale one (its pid is gone on this host). */
async function takeLock(dir: string, lockPath: string, warn: ((message: string) => void) | undefined): Promise<void> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  // A few rounds: a holder may release between our attempt and our read, or another run may race us to a stale lock.
  for (let round = 0; round < 5; round++) {
    let handle;
    try {
      handle = await open(lockPath, 'wx');
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw prefixed(environmentError(error, `create ${lockPath}`), `--out ${dir}`);
      const text = await readFile(lockPath, 'utf8').catch((readError: unknown) => (errnoCode(readError) === 'ENOENT' ? undefined : ''));
      if (text === undefined) continue; // released meanwhile: try again
      const current = parseHolder(text);
      if (current === undefined || !isStale(current)) throw new OutputDirInUse(dir, current);
      // Remove it only if it is still the stale one we read (another run may have taken it over already).
      if ((await readFile(lockPath, 'utf8').catch(() => undefined)) !== text) continue;
      await rm(lockPath, { force: true });
      warn?.(`--out ${dir}: took over the lock of an earlier run that is gone (${holderDetails(current)})`);
      continue;
    }
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
      await handle.close();
      return;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(lockPath, { force: true }).catch(() => undefined);
      throw prefixed(environmentError(error, `write ${lockPath}`), `--out ${dir}`);
    }
  }
  throw new OutputDirInUse(dir, undefined);
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.startedAt === 'string'
    ) {
      return { pid: value.pid, host: value.host, startedAt: value.startedAt };
    }
  } catch {
    // Being written right now, or damaged: treated as held.
  }
  return undefined;
}

/** Only a lock of this host can be judged: its pid no longer runs. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return errnoCode(error) === 'ESRCH';
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined)
    return `another qfbench run (its lock file ${LOCK_FILE} names no pid: it is being written, or damaged; remove it if no run uses the folder)`;
  return `another qfbench run (${holderDetails(holder)})`;
}

function holderDetails(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}`;
}

async function existingRunFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of RUN_MARKER_FILES) {
    if ((await lstat(join(dir, file)).catch(() => undefined)) !== undefined) found.push(file);
  }
  return found;
}

/** A user error's message prefixed with the flag it concerns; other errors unchanged. */
function prefixed(error: unknown, prefix: string): unknown {
  return error instanceof UserError ? new UserError(error.kind, `${prefix}: ${error.message}`) : error;
}
