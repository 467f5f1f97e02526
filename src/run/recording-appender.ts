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
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDING_FILE, recordingHeaderLine, type RecordingHeader } from '../providers/replay/recording.js';
import { environmentError, makeFolderSync } from '../util/fs-util.js';

export class RecordingAppender {
  readonly path: string;
  private started = false;

  constructor(
    private readonly dir: string,
    private readonly header: () => RecordingHeader,
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
    this.write(() => writeFileSync(this.path, `${recordingHeaderLine(this.header())}\n`, 'utf8'));
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
