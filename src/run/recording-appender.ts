/**
 * `--record DIR` writes DIR/recordings.jsonl as answers arrive: each entry is appended with one
 * synchronous write, so a run killed mid-way (SIGKILL, OOM) keeps every line recorded before
 * (writing the file once at the end kept nothing). The format is the one the replay reader knows
 * (src/providers/replay/recording.ts): the header line, then one JSON entry per line.
 *
 * The file is started (and an earlier recording replaced) with the first entry, not when the run
 * is set up: a run refused before it sends anything (its --out folder is in use) leaves an
 * earlier recording alone.
 */
import { appendFileSync, closeSync, existsSync, ftruncateSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDING_FILE, recordingHeaderLine, type RecordingHeader } from '../providers/replay/recording.js';
import { environmentError, makeFolderSync } from '../util/fs-util.js';

export class RecordingAppender {
  readonly path: string;
  private started = false;

  constructor(
    private readonly dir: string,
    private readonly header: () => RecordingHeader,
    private readonly options: { append?: boolean } = {},
  ) {
    this.path = join(dir, RECORDING_FILE);
  }

  /** Appends one entry (a recorded answer or error) as one line. */
  append(entry: object): void {
    this.start();
    this.write(() => appendFileSync(this.path, `${JSON.stringify(entry)}\n`, 'utf8'));
  }

  /** Makes sure the file exists (a run with nothing to record still replaces an earlier recording with an empty one). */
  finish(): string {
    this.start();
    return this.path;
  }

  private start(): void {
    if (this.started) return;
    makeFolderSync(this.dir);
    // A resume appends to the recording its run began (an entry cut by a crash is a torn line the reader skips).
    const resumable = this.options.append === true && existsSync(this.path) && statSync(this.path).size > 0;
    if (resumable) this.write(() => truncateTornLine(this.path));
    else this.write(() => writeFileSync(this.path, `${recordingHeaderLine(this.header())}\n`, 'utf8'));
    this.started = true;
  }

  private write(action: () => void): void {
    try {
      action();
    } catch (error) {
      throw environmentError(error, `write ${this.path}`, 'the answers recorded before are kept');
    }
  }
}

/** Cuts an entry a crash left half written (the bytes after the last line end), so appending goes on from a whole line. */
function truncateTornLine(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(fd, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (newline >= 0) {
        if (start + newline + 1 < size) ftruncateSync(fd, start + newline + 1);
        return;
      }
      end = start;
    }
  } finally {
    closeSync(fd);
  }
}
