/**
 * The requests.csv side of resume: appending to a run's file keeps its header and columns, a torn
 * last record (a run killed mid-write) is found, cut off or skipped, and a filter keeps the
 * records it keeps byte for byte.
 */
import type * as nodeFs from 'node:fs';
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isUserError } from '../../src/errors.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { filterRequestsCsv, scanRequestsCsv, truncateTornTail } from '../../src/report/requests-csv-repair.js';
import { openRequestsCsv, readRequestsCsv, REQUEST_CSV_COLUMNS, storedText, type RequestsCsvOptions } from '../../src/report/requests-csv.js';
import { makeRecord, withTempDir } from './fixtures.js';

async function readAll(path: string, tornTail: 'fail' | 'skip' = 'fail'): Promise<RequestRecord[]> {
  const out: RequestRecord[] = [];
  for await (const record of readRequestsCsv(path, { tornTail })) out.push(record);
  return out;
}

async function writeAll(path: string, records: RequestRecord[], options: RequestsCsvOptions = {}): Promise<void> {
  const writer = openRequestsCsv(path, options);
  for (const record of records) writer.write(record);
  await writer.close();
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

/** Every fdatasync the writer makes, passed through to the real one, with the most that ran at once. */
const syncs = vi.hoisted(() => ({ calls: 0, running: 0, mostAtOnce: 0, failWith: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof nodeFs>();
  const fdatasync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void => {
    syncs.calls += 1;
    syncs.running += 1;
    syncs.mostAtOnce = Math.max(syncs.mostAtOnce, syncs.running);
    fs.fdatasync(fd, (error) => {
      syncs.running -= 1;
      callback(syncs.failWith !== undefined ? Object.assign(new Error(`${syncs.failWith}: fdatasync`), { code: syncs.failWith }) : error);
    });
  };
  return { ...fs, fdatasync, default: { ...fs, fdatasync } };
});

const BOM = '\uFEFF';
const asserted = (seq: number): RequestRecord => makeRecord({ seq, assertResult: 'pass', assertReason: 'contains "你好"', replayed: undefined });

describe('appending to requests.csv', () => {
  it('keeps the header and its optional columns: fields of a group the header lacks are left out, a group it has but the record lacks is empty', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [asserted(0), asserted(1)]);
      const before = await readFile(path, 'utf8');
      expect(before.split('\n')[0]).toBe([...REQUEST_CSV_COLUMNS, 'assert_result', 'assert_reason', 'assert_score'].join(','));
      // The resumed session's rows: one without assertion fields, one with a replay field the header has no column for.
      await writeAll(path, [makeRecord({ seq: 2 }), makeRecord({ seq: 3, assertResult: 'fail', assertReason: 'too short', replayed: true })], { append: true });
      const after = await readFile(path, 'utf8');
      expect(after.startsWith(before)).toBe(true);
      expect(after.match(/^seq,/gm)).toHaveLength(1);
      const rows = await readAll(path);
      expect(rows.map((row) => [row.seq, row.assertResult, row.assertReason, row.replayed])).toEqual([
        [0, 'pass', 'contains "你好"', undefined],
        [1, 'pass', 'contains "你好"', undefined],
        [2, undefined, undefined, undefined],
        [3, 'fail', 'too short', undefined],
      ]);
    });
  });

  it('appends to a base header without adding the columns a new record would call for', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [makeRecord({ seq: 0 })]);
      await writeAll(path, [makeRecord({ seq: 1, replayed: true })], { append: true });
      expect((await readFile(path, 'utf8')).split('\n')[0]).toBe(REQUEST_CSV_COLUMNS.join(','));
      expect(await readAll(path)).toEqual([makeRecord({ seq: 0 }), makeRecord({ seq: 1 })]);
    });
  });

  it('continues a file with a BOM: no second BOM, no second header', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [makeRecord({ seq: 0 })], { excelBom: true });
      await writeAll(path, [makeRecord({ seq: 1 })], { excelBom: true, append: true });
      const text = await readFile(path, 'utf8');
      expect(text.startsWith(`${BOM}seq,`)).toBe(true);
      expect(text.split(BOM)).toHaveLength(2);
      expect((await readAll(path)).map((row) => row.seq)).toEqual([0, 1]);
    });
  });

  it('starts a missing or empty file as a new one (header, and BOM when asked)', async () => {
    await withTempDir(async (dir) => {
      const missing = join(dir, 'missing.csv');
      await writeAll(missing, [makeRecord({ seq: 0 })], { append: true, excelBom: true });
      expect((await readFile(missing, 'utf8')).startsWith(`${BOM}seq,`)).toBe(true);
      const empty = join(dir, 'empty.csv');
      await writeFile(empty, '');
      await writeAll(empty, [asserted(0)], { append: true });
      expect((await readFile(empty, 'utf8')).split('\n')[0]).toBe([...REQUEST_CSV_COLUMNS, 'assert_result', 'assert_reason', 'assert_score'].join(','));
      expect(await readAll(empty)).toEqual([asserted(0)]);
    });
  });

  it('refuses a file that is not a requests.csv, or ends in a torn record, with a user error naming it', async () => {
    await withTempDir(async (dir) => {
      const other = join(dir, 'other.csv');
      await writeFile(other, 'prompt,expected\nhello,world\n');
      const notOurs = (() => {
        try {
          openRequestsCsv(other, { append: true });
        } catch (error) {
          return error as Error;
        }
        throw new Error('expected a refusal');
      })();
      expect(isUserError(notOurs)).toBe(true);
      expect(notOurs.message).toContain(`${other}:1: cannot append to it: not a qfbench requests.csv`);

      const torn = join(dir, 'torn.csv');
      await writeAll(torn, [makeRecord({ seq: 0 })]);
      await appendFile(torn, '1,"cut');
      expect(() => openRequestsCsv(torn, { append: true })).toThrow(`${torn}: cannot append to it: its last record is torn`);
    });
  });
});

describe('a torn last record', () => {
  /** Two complete records and a third whose output spans lines and holds quotes and a comma. */
  async function threeRows(dir: string): Promise<{ path: string; bytes: Buffer; lastStart: number; records: RequestRecord[] }> {
    const path = join(dir, 'full.csv');
    const records = [makeRecord({ seq: 0, output: 'one "quoted"\nanswer' }), makeRecord({ seq: 1 }), makeRecord({ seq: 2, output: 'a\nb, "c"' })];
    await writeAll(path, records.slice(0, 2));
    const lastStart = (await readFile(path)).length;
    await writeAll(path, records.slice(2), { append: true });
    return { path, bytes: await readFile(path), lastStart, records };
  }

  it('is found wherever the cut falls inside the last record, also inside its quoted multi-line output', async () => {
    await withTempDir(async (dir) => {
      const { bytes, lastStart, records } = await threeRows(dir);
      const cut = join(dir, 'cut.csv');
      for (let at = lastStart; at < bytes.length; at++) {
        await writeFile(cut, bytes.subarray(0, at));
        const scan = await scanRequestsCsv(cut);
        expect({ at, completeBytes: scan.completeBytes, tornBytes: scan.tornBytes }).toEqual({ at, completeBytes: lastStart, tornBytes: at - lastStart });
        expect(scan.header).toEqual(REQUEST_CSV_COLUMNS);
        expect(await readAll(cut, 'skip')).toEqual(records.slice(0, 2));
      }
      await writeFile(cut, bytes);
      expect(await scanRequestsCsv(cut)).toEqual({ completeBytes: bytes.length, tornBytes: 0, header: REQUEST_CSV_COLUMNS });
      expect(await readAll(cut, 'skip')).toEqual(records);
    });
  });

  it('is cut off by truncateTornTail, leaving exactly the complete records', async () => {
    await withTempDir(async (dir) => {
      const { path, bytes, lastStart } = await threeRows(dir);
      await writeFile(path, bytes.subarray(0, lastStart + 40));
      expect(await truncateTornTail(path)).toEqual({ tornBytes: 40 });
      expect((await readFile(path)).equals(bytes.subarray(0, lastStart))).toBe(true);
      expect(await truncateTornTail(path)).toEqual({ tornBytes: 0 });
    });
  });

  it('still fails a default read naming the file, and a skip read never skips a malformed record in the middle', async () => {
    await withTempDir(async (dir) => {
      const { path, bytes, lastStart } = await threeRows(dir);
      await writeFile(path, bytes.subarray(0, bytes.length - 5));
      expect((await failure(readAll(path))).message).toMatch(new RegExp(`^${path}:\\d+: malformed requests\\.csv`));
      // A stray quote in the second record (line 4: the first output spans two lines).
      const text = bytes.toString('utf8');
      const secondStart = text.indexOf('\n1,') + 1;
      await writeFile(path, `${text.slice(0, secondStart)}1,c"0${text.slice(secondStart + 2, lastStart)}`);
      const error = await failure(readAll(path, 'skip'));
      expect(isUserError(error)).toBe(true);
      expect(error.message).toBe(`${path}:4: malformed requests.csv: a quote inside an unquoted field`);
    });
  });
});

describe('filterRequestsCsv', () => {
  const records = [
    makeRecord({ seq: 0, output: '=cmd|calc' }),
    makeRecord({ seq: 1, outcome: 'failed', errorCode: '18', errorMsg: 'Open api qps request limit reached', output: '' }),
    makeRecord({ seq: 2, output: 'multi\nline, "quoted"' }),
    makeRecord({ seq: 3, outcome: 'cancelled', attempts: 0, output: '' }),
    makeRecord({ seq: 4, output: '+1 and -1' }),
  ];

  it('keeps the header and the kept records byte for byte (a neutralised cell is not neutralised again), dropping a torn tail', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, records, { excelBom: true });
      await appendFile(path, '5,"torn\nby a crash');
      const asked: unknown[] = [];
      const result = await filterRequestsCsv(path, (row) => {
        asked.push(row);
        return row.outcome === 'ok';
      });
      expect(result).toEqual({ kept: 3, removed: 2, tornBytes: '5,"torn\nby a crash'.length });
      expect(asked).toEqual(records.map(({ seq, outcome, attempts }) => ({ seq, outcome, attempts })));
      // What the writer writes for the kept records is what the filter left.
      const expected = join(dir, 'expected.csv');
      await writeAll(
        expected,
        records.filter((record) => record.outcome === 'ok'),
        { excelBom: true },
      );
      expect((await readFile(path)).equals(await readFile(expected))).toBe(true);
      expect((await readAll(path)).map((row) => row.output)).toEqual(["'=cmd|calc", 'multi\nline, "quoted"', "'+1 and -1"]);
    });
  });

  it('round-trips with an append: the resumed rows join the kept ones and read back', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const withAsserts: RequestRecord[] = records.map((record) => ({ ...record, assertResult: 'pass' }));
      await writeAll(path, withAsserts);
      await appendFile(path, '5,c0,ernie');
      await filterRequestsCsv(path, (row) => row.outcome === 'ok');
      const resent = [makeRecord({ seq: 1, assertResult: 'fail', assertReason: 'empty' }), makeRecord({ seq: 3 }), makeRecord({ seq: 5 })];
      await writeAll(path, resent, { append: true });
      const rows = await readAll(path);
      expect(rows.map((row) => row.seq).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const stored = (record: RequestRecord): RequestRecord => ({ ...record, ...storedText(record) });
      const keptRows = withAsserts.filter((record) => record.outcome === 'ok');
      expect(rows).toEqual([...keptRows, ...resent].map(stored));
    });
  });

  it('refuses a file that is not a requests.csv and leaves it unchanged', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeFile(path, 'prompt,expected\nhello,world\n');
      const error = await failure(filterRequestsCsv(path, () => true));
      expect(isUserError(error)).toBe(true);
      expect(error.message).toContain(`${path}:1: not a qfbench requests.csv`);
      expect(await readFile(path, 'utf8')).toBe('prompt,expected\nhello,world\n');
    });
  });
});

describe('the sync policy', () => {
  it('syncIntervalMs 0 syncs after every batch, one sync at a time, and close() resolves with every row on disk', async () => {
    await withTempDir(async (dir) => {
      syncs.calls = 0;
      syncs.mostAtOnce = 0;
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path, { syncIntervalMs: 0 });
      const written: RequestRecord[] = [];
      for (let seq = 0; seq < 60; seq++) {
        written.push(makeRecord({ seq, output: `answer ${seq}\n"line 2"` }));
        const before = syncs.calls;
        writer.write(written[seq] as RequestRecord);
        await writer.ready();
        // Every few rows, wait for the sync that follows the batch (the rows between are one batch each time).
        if (seq % 7 === 0) await vi.waitFor(() => expect(syncs.calls).toBeGreaterThan(before));
      }
      await writer.close();
      await writer.close();
      expect(syncs.mostAtOnce).toBe(1);
      expect(syncs.running).toBe(0);
      expect(await readAll(path)).toEqual(written);
    });
  });

  it('syncs once at close a file whose rows all came at once (default interval)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      syncs.calls = 0;
      const writer = openRequestsCsv(path);
      for (let seq = 0; seq < 20; seq++) writer.write(makeRecord({ seq }));
      await writer.close();
      expect(syncs.calls).toBeGreaterThan(0);
      expect(syncs.running).toBe(0);
      expect(await readAll(path)).toHaveLength(20);
    });
  });

  it('makes a failed sync an environment error naming the file, like a failed write', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path, { syncIntervalMs: 0 });
      syncs.failWith = 'EIO';
      try {
        writer.write(makeRecord());
        const error = await failure(writer.close());
        expect(isUserError(error)).toBe(true);
        expect(error.message).toBe(`cannot sync ${path} to disk: input/output error (EIO)`);
        expect(() => writer.write(makeRecord({ seq: 1 }))).toThrow(error.message);
      } finally {
        syncs.failWith = undefined;
      }
    });
  });

  it.skipIf(!existsSync('/dev/null'))('a writer on a file that cannot be synced (/dev/null) still closes', async () => {
    const writer = openRequestsCsv('/dev/null', { syncIntervalMs: 0, append: true });
    writer.write(makeRecord());
    await new Promise((resolve) => setTimeout(resolve, 5));
    writer.write(makeRecord({ seq: 1 }));
    await writer.close();
  });
});
