/**
 * --baseline compares this run from memory with the baseline read back from its requests.csv, so
 * an answer must digest the same either way: the CSV neutralises a leading formula character, cuts
 * long answers and redacts secrets. (It did not: answers that began with "- " were all reported
 * changed against a run of the very same answers.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerRow } from '../../src/eval/baseline.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { openRequestsCsv, readRequestsCsv, storedText } from '../../src/report/requests-csv.js';
import { makeRecord, withTempDir } from '../report/fixtures.js';

describe('a record in memory and the same record read back from requests.csv', () => {
  it('digest the same answer, whatever the CSV did to its text', async () => {
    await withTempDir(async (dir) => {
      const records: RequestRecord[] = [
        makeRecord({ seq: 1, rowId: '-r1', output: '- a Markdown list\n- of two items' }),
        makeRecord({ seq: 2, rowId: 'r2', output: '=SUM(A1:A9)' }),
        makeRecord({ seq: 3, rowId: 'r3', output: 'long '.repeat(8000) }),
        makeRecord({ seq: 4, rowId: 'r4', output: 'plain' }),
      ];
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      for (const record of records) writer.write(record);
      await writer.close();
      const readBack: RequestRecord[] = [];
      for await (const record of readRequestsCsv(path)) readBack.push(record);
      expect(readBack.map((record) => answerRow(record))).toEqual(records.map((record) => answerRow({ ...record, ...storedText(record) })));
    });
  });
});
