import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/types.js';
import { openRequestsCsv, readRequestsCsv, REQUEST_CSV_COLUMNS } from '../../src/report/requests-csv.js';
import { makeRecord, withTempDir } from '../report/fixtures.js';

async function roundTrip(records: RequestRecord[]): Promise<{ header: string; back: RequestRecord[] }> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'requests.csv');
    const writer = openRequestsCsv(path);
    for (const record of records) writer.write(record);
    await writer.close();
    const back: RequestRecord[] = [];
    for await (const record of readRequestsCsv(path)) back.push(record);
    return { header: (await readFile(path, 'utf8')).split('\n')[0] as string, back };
  });
}

describe('requests.csv assertion and replay columns', () => {
  it('follow output when the run fills them, and read back', async () => {
    const records = [
      makeRecord({ seq: 0, assertResult: 'fail', assertReason: 'contains "x": output does not contain "x"; =cmd', assertScore: 2 / 3, replayed: true }),
      makeRecord({ seq: 1, assertResult: 'none', assertReason: '', replayed: false }),
      makeRecord({ seq: 2, assertResult: 'pass', assertReason: '', assertScore: 1, replayed: true }),
    ];
    const { header, back } = await roundTrip(records);
    expect(header).toBe(`${REQUEST_CSV_COLUMNS.join(',')},assert_result,assert_reason,assert_score,replayed`);
    expect(back.map((r) => [r.assertResult, r.assertReason, r.assertScore, r.replayed])).toEqual([
      ['fail', 'contains "x": output does not contain "x"; =cmd', 0.6667, true],
      ['none', undefined, undefined, false],
      ['pass', undefined, 1, true],
    ]);
  });

  it('reads a file written before assert_score existed', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const row = Array(REQUEST_CSV_COLUMNS.length).fill('');
      row[0] = '0';
      row[6] = '0';
      row[7] = 'ok';
      row[11] = '1';
      row[12] = '0';
      await writeFile(path, `${REQUEST_CSV_COLUMNS.join(',')},assert_result,assert_reason,replayed\n${row.join(',')},fail,too short,false\n`);
      const back: RequestRecord[] = [];
      for await (const record of readRequestsCsv(path)) back.push(record);
      expect(back.map((r) => [r.assertResult, r.assertReason, r.assertScore, r.replayed])).toEqual([['fail', 'too short', undefined, false]]);
    });
  });

  it('stay out of runs without the features; a run with only one feature gets only its columns', async () => {
    expect((await roundTrip([makeRecord()])).header).toBe(REQUEST_CSV_COLUMNS.join(','));
    const replayOnly = await roundTrip([makeRecord({ replayed: true })]);
    expect(replayOnly.header).toBe(`${REQUEST_CSV_COLUMNS.join(',')},replayed`);
    expect(replayOnly.back[0]?.replayed).toBe(true);
  });

  it('refuses an unknown extra column and a bad value, naming the line', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const row = Array(REQUEST_CSV_COLUMNS.length).fill('');
      row[0] = '0';
      row[6] = '0';
      row[7] = 'ok';
      row[11] = '1';
      row[12] = '0';
      await writeFile(path, `${REQUEST_CSV_COLUMNS.join(',')},assert_result\n${row.join(',')},maybe\n`);
      await expect(async () => {
        for await (const _ of readRequestsCsv(path)) void _;
      }).rejects.toThrow(`${path}:2: assert_result "maybe" is not one of pass, fail, skip, none`);
      await writeFile(path, `${REQUEST_CSV_COLUMNS.join(',')},verdict\n`);
      await expect(async () => {
        for await (const _ of readRequestsCsv(path)) void _;
      }).rejects.toThrow(
        /not a qfbench requests\.csv \(expected the header .*optionally followed by some of assert_result,assert_reason,assert_score,replayed/,
      );
    });
  });
});
