/**
 * Makes a file that is being written durable in the background: fdatasync at most every
 * `intervalMs` while writes keep coming, one at a time, so the writer never waits for the disk.
 * A power loss then loses at most what was written in the last interval.
 */
import { fdatasync } from 'node:fs';
import { errnoCode } from './fs-util.js';

/** What a file that cannot be synced (a pipe, /dev/null, /dev/full) answers: there is nothing to make durable. */
const NOT_SYNCABLE: ReadonlySet<string> = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

function fdatasyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error === null ? resolve() : reject(error))));
}

export class PacedDataSync {
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Written since the last sync started, or still on its way to the kernel then. */
  private dirty = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private syncable = true;

  /**
   * `hasUnwritten` says whether bytes accepted are still buffered on their way to the file (a sync
   * that starts then does not cover them, so another follows); `onError` gets a sync failure once.
   */
  constructor(
    private readonly intervalMs: number,
    private readonly hasUnwritten: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The file is open on `fd` (syncs wait for it). */
  attach(fd: number): void {
    this.fd = fd;
    if (this.dirty) this.schedule();
  }

  /** Bytes were handed to the file's stream. */
  written(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || !this.syncable || this.fd === undefined || this.timer !== undefined || this.running !== undefined) return;
    const delay = Math.max(0, this.lastStart + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, delay);
    // A writer that is never closed does not keep the process alive for its last sync.
    this.timer.unref();
  }

  private start(): void {
    if (this.stopped || this.fd === undefined) return;
    this.lastStart = performance.now();
    this.dirty = this.hasUnwritten();
    this.running = this.sync(this.fd)
      .catch((error: unknown) => {
        this.stopped = true;
        this.onError(error);
      })
      .finally(() => {
        this.running = undefined;
        if (this.dirty || this.hasUnwritten()) this.schedule();
      });
  }

  /** Resolves when `fd` is synced; an unsyncable file resolves at once (and is not tried again). */
  private async sync(fd: number): Promise<void> {
    if (!this.syncable) return;
    try {
      await fdatasyncAsync(fd);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== undefined && NOT_SYNCABLE.has(code)) this.syncable = false;
      else throw error;
    }
  }

  /**
   * No more background syncs: waits for the one running, then (unless `finalSync` is false: the
   * file failed) syncs once more. Rejects with that last sync's failure. Call before the fd closes.
   */
  async stop(finalSync: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (finalSync && this.fd !== undefined) await this.sync(this.fd);
  }
}
