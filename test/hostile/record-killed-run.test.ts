/**
 * `--record DIR` appends each answer to DIR/recordings.jsonl as it arrives, so a run killed with
 * SIGKILL (nothing of it runs at the end) keeps every answer recorded so far, in the format the
 * replay reader reads. Before the fix the recording was written once, after the last request:
 * a killed run left nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording, RECORDING_FILE } from '../../src/providers/replay/recording.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { lineCount, slowSimRun, waitUntil } from './output-folder-helpers.js';

describe('SIGKILL during --record', () => {
  it('keeps the answers recorded before the kill, each on a whole line the replay reader accepts', async () => {
    const out = await tempDir();
    const recordDir = join(await tempDir(), 'recording');
    const file = join(recordDir, RECORDING_FILE);
    let ended = false;
    let killed = false;
    const run = runCli(slowSimRun(out, 100, ['--quiet', '--record', recordDir]), {
      timeoutMs: 90_000,
      onSpawn: (child) => {
        // The header and at least 5 answers on disk, then kill without a chance to clean up.
        void waitUntil(
          async () => (await lineCount(file)) >= 6,
          () => ended,
        ).then((ready) => {
          if (!ready) return;
          killed = true;
          child.kill('SIGKILL');
        });
      },
    });
    const result = await run.finally(() => (ended = true));
    expect(killed).toBe(true);
    expect(result.signal).toBe('SIGKILL');

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe(''); // ends with a whole line
    const entries = lines.slice(1, -1).map((line) => JSON.parse(line) as { rowId: string; answer?: { output: string } });
    expect(entries.length).toBeGreaterThanOrEqual(5);
    // Killed mid-run, not after a recording written whole at the end.
    expect(entries.length).toBeLessThan(1200);
    expect(entries.every((entry) => typeof entry.answer?.output === 'string' && entry.answer.output.length > 0)).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ qfbench: 'recording', version: 1, provider: 'qianfan', simulated: true });

    const recording = await readRecording(recordDir);
    expect(recording.simulated).toBe(true);
    expect([...recording.answers.values()].reduce((sum, list) => sum + list.length, 0)).toBe(entries.length);
  });
});
