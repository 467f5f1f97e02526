/**
 * A recording made while some requests errored has no answer for them. Replaying it used to
 * refuse the whole run blaming the prompt, model or parameters ("differ from the recorded run's").
 * Now the recording keeps each error (never replayed), and the replay is refused naming those rows
 * and the error each got; a row that is simply not in the recording keeps the old explanation.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeDataset } from './loud-helpers.js';

const SIM = ['--sim', '-m', 'ernie-speed-8k', '--sim-opt', 'firstChunkMs=1', '--sim-opt', 'msPerOutputToken=0', '--retries', '0', '--quiet'];

describe('--replay of a recording whose rows errored', () => {
  it('names the errored rows (row and cell) and their recorded error, not "parameters differ"', async () => {
    const rows = [
      { id: 'fine', prompt: 'hello', assert: 'min-length:1' },
      { id: 'busy', prompt: 'busy [[sim:error=336100]]', assert: 'min-length:1' },
    ];
    const dataset = await writeDataset(rows);
    const recording = await tempDir();
    const recorded = await runCli(['run', ...SIM, '-d', dataset, '--out', await tempDir(), '--record', recording]);
    // The recording run itself is a test run (assertions): its errored row fails it.
    expect(recorded.code, recorded.stderr).toBe(3);
    const lines = (await readFile(join(recording, 'recordings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line['answer'] !== undefined)).toHaveLength(1);
    expect(lines.filter((line) => line['error'] !== undefined)).toEqual([
      expect.objectContaining({ rowId: 'busy', error: expect.objectContaining({ outcome: 'failed', code: '336100' }) }),
    ]);

    const replay = await runCli(['run', '-m', 'ernie-speed-8k', '--quiet', '-d', dataset, '--out', await tempDir(), '--replay', recording]);
    expect(replay.code, replay.stderr).toBe(2);
    expect(replay.stderr).toMatch(
      /1 request\(s\) got no answer while recording, so there is none to replay: row "busy" \([^)]*rows\.csv:3\) × ERNIE-Speed-8K: failed 336100 "server high load/,
    );
    expect(replay.stderr).not.toContain('differ');
    expect(replay.stderr).not.toContain('"fine"');

    // A row the recording never saw still says its content differs.
    const grown = await writeDataset([...rows, { id: 'new', prompt: 'a new question', assert: '' }]);
    const mixed = await runCli(['run', '-m', 'ernie-speed-8k', '--quiet', '-d', grown, '--out', await tempDir(), '--replay', recording]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/row "busy".*failed 336100/);
    expect(mixed.stderr).toMatch(/no recorded answer for row "new" .*differ from the recorded run's/);
  });
});
