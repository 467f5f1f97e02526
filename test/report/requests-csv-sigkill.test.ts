/**
 * A process writing requests.csv through the real (built) writer is killed with SIGKILL mid-way:
 * what is on disk is a byte prefix of the file the whole run would have written, and the scan and
 * a `tornTail: 'skip'` read give every complete row and nothing else.
 */
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/types.js';
import { scanRequestsCsv, truncateTornTail } from '../../src/report/requests-csv-repair.js';
import { openRequestsCsv, readRequestsCsv, storedText } from '../../src/report/requests-csv.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { makeRecord } from './fixtures.js';

const ROWS = 400;

/** Row `seq` of the child's run: a long multi-line output with quotes and commas, so kills land inside quoted fields. */
function rowOf(seq: number): RequestRecord {
  return makeRecord({ seq, output: `answer ${seq}, "quoted"\n${'第二行 '.repeat(200)}\n=end` });
}

const CHILD = `
import { openRequestsCsv } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/report/requests-csv.js')).href)};
const [path, template] = [process.argv[2], JSON.parse(process.argv[3])];
const writer = openRequestsCsv(path);
for (let seq = 0; seq < ${ROWS}; seq++) {
  writer.write({ ...template, seq, output: template.output.replace('{seq}', String(seq)) });
  await writer.ready();
  process.stdout.write(seq + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await writer.close();
process.stdout.write('closed\\n');
`;

/** Runs the child until it reports `killAfter` rows written, then kills it with SIGKILL. */
async function runAndKill(script: string, path: string, killAfter: number): Promise<NodeJS.Signals | null> {
  const template = { ...rowOf(0), output: rowOf(0).output.replace('answer 0', 'answer {seq}') };
  const child = spawn(process.execPath, [script, path, JSON.stringify(template)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let seen = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    seen += text;
    if (seen.split('\n').length > killAfter) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (...result) => resolve(result)));
  clearTimeout(timer);
  expect(code, seen.slice(-200)).toBe(null);
  return signal;
}

describe('requests.csv after SIGKILL', () => {
  it('holds a byte prefix of the full file, and every complete row reads back', async () => {
    const dir = await tempDir();
    const script = join(dir, 'write-rows.mjs');
    await writeFile(script, CHILD);
    // The file the whole run would have written, to compare the killed ones with.
    const fullPath = join(dir, 'full.csv');
    const writer = openRequestsCsv(fullPath);
    for (let seq = 0; seq < ROWS; seq++) writer.write(rowOf(seq));
    await writer.close();
    const full = await readFile(fullPath);

    for (const killAfter of [30, 120, 250]) {
      const path = join(dir, `killed-${killAfter}.csv`);
      expect(await runAndKill(script, path, killAfter)).toBe('SIGKILL');
      const bytes = await readFile(path);
      expect(bytes.length).toBeLessThan(full.length);
      expect(full.subarray(0, bytes.length).equals(bytes)).toBe(true);

      const scan = await scanRequestsCsv(path);
      expect(scan.completeBytes + scan.tornBytes).toBe((await stat(path)).size);
      const rows: RequestRecord[] = [];
      for await (const row of readRequestsCsv(path, { tornTail: 'skip' })) rows.push(row);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows).toEqual(rows.map((_, seq) => ({ ...rowOf(seq), ...storedText(rowOf(seq)) })));

      await truncateTornTail(path);
      const cut = await readFile(path);
      const again: RequestRecord[] = [];
      for await (const row of readRequestsCsv(path)) again.push(row);
      expect(again).toEqual(rows);
      // What was cut off is the start of the next row, and the complete part ends where the full file's row does.
      expect(full.subarray(0, cut.length).equals(cut)).toBe(true);
      expect(full[cut.length - 1]).toBe(0x0a);
    }
  }, 120_000);
});
