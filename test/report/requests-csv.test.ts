import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/types.js';
import { openRequestsCsv, readRequestsCsv, REQUEST_CSV_COLUMNS } from '../../src/report/requests-csv.js';
import { makeRecord, withTempDir } from './fixtures.js';

async function readAll(path: string): Promise<RequestRecord[]> {
  const out: RequestRecord[] = [];
  for await (const record of readRequestsCsv(path)) out.push(record);
  return out;
}

async function writeAll(path: string, records: RequestRecord[], excelBom = false): Promise<void> {
  const writer = openRequestsCsv(path, { excelBom });
  for (const record of records) writer.write(record);
  await writer.close();
}

const EXPECTED_HEADER =
  'seq,cell,model,endpoint,params,row_id,repeat,outcome,error_code,error_msg,http_status,attempts,backoff_ms,' +
  'sched_offset_ms,queue_ms,latency_ms,latency_sched_ms,ttft_ms,ttft_sched_ms,tpot_ms,decode_tps,text_events,' +
  'prompt_tokens,completion_tokens,total_tokens,usage_source,finish_reason,output';

describe('requests.csv', () => {
  it('has the documented columns in order', async () => {
    expect(REQUEST_CSV_COLUMNS.join(',')).toBe(EXPECTED_HEADER);
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, []);
      expect(await readFile(path, 'utf8')).toBe(`${EXPECTED_HEADER}\n`);
      expect(await readAll(path)).toEqual([]);
    });
  });

  it('round-trips Chinese, commas, quotes and newlines', async () => {
    const records = [
      makeRecord({ seq: 0, output: '你好，世界。第二句。' }),
      makeRecord({ seq: 1, output: 'a, b, and "c"', rowId: 'row,1' }),
      makeRecord({ seq: 2, output: 'line 1\nline 2\r\nline 3\rline 4', params: 'temperature=0.9;top_p=0.8' }),
      makeRecord({ seq: 3, output: '' }),
      makeRecord({ seq: 4, output: '  leading spaces and trailing  ' }),
      makeRecord({ seq: 5, output: '😀 emoji 𠮷 and "quoted, with comma"\n' }),
    ];
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, records);
      expect(await readAll(path)).toEqual(records);
    });
  });

  it('keeps empty optional fields undefined and numbers numeric', async () => {
    const failed = makeRecord({
      seq: 7,
      outcome: 'failed',
      errorCode: '336003',
      errorMsg: 'the parameter "messages" is invalid',
      httpStatus: 400,
      attempts: 3,
      backoffMs: 1500.25,
      latencyMs: 88.1,
      ttftMs: undefined,
      ttftSchedMs: undefined,
      tpotMs: undefined,
      decodeTps: undefined,
      textEvents: undefined,
      promptTokens: undefined,
      completionTokens: undefined,
      totalTokens: undefined,
      usageSource: undefined,
      finishReason: undefined,
      output: '',
    });
    const dropped: RequestRecord = {
      seq: 8,
      cellId: 'c1',
      model: 'm',
      endpoint: 'e',
      params: '',
      rowId: 'r9',
      repeat: 1,
      outcome: 'dropped',
      attempts: 0,
      backoffMs: 0,
      output: '',
    };
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [failed, dropped]);
      const [a, b] = await readAll(path);
      expect(a).toEqual(failed);
      expect(a?.ttftMs).toBeUndefined();
      expect(typeof a?.httpStatus).toBe('number');
      expect(b).toStrictEqual(dropped);
    });
  });

  it('prints milliseconds with 3 decimals and decode_tps with 2', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [makeRecord({ latencyMs: 1234.56789, ttftMs: 12, decodeTps: 41.666666, schedOffsetMs: -0.5, backoffMs: 0 })]);
      const [, row] = (await readFile(path, 'utf8')).split('\n');
      const fields = row!.split(',');
      const at = (name: string): string => fields[REQUEST_CSV_COLUMNS.indexOf(name)]!;
      expect(at('latency_ms')).toBe('1234.568');
      expect(at('ttft_ms')).toBe('12.000');
      expect(at('decode_tps')).toBe('41.67');
      expect(at('backoff_ms')).toBe('0.000');
      // A number we produce ourselves is never neutralised, even when negative.
      expect(at('sched_offset_ms')).toBe('-0.500');
      const [back] = await readAll(path);
      expect(back?.latencyMs).toBe(1234.568);
      expect(back?.schedOffsetMs).toBe(-0.5);
    });
  });

  it('neutralises formula-like untrusted text', async () => {
    const record = makeRecord({
      output: '=HYPERLINK("http://evil.example","click")',
      errorMsg: '+cmd|calc',
      rowId: '@row',
      model: '-model',
      endpoint: '\tendpoint',
      params: '=1+1',
    });
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      await writeAll(path, [record]);
      const text = await readFile(path, 'utf8');
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      const [back] = await readAll(path);
      // Read back as written: the defensive quote stays.
      expect(back?.output).toBe(`'${record.output}`);
      expect(back?.errorMsg).toBe("'+cmd|calc");
      expect(back?.rowId).toBe("'@row");
      expect(back?.model).toBe("'-model");
      expect(back?.endpoint).toBe("'\tendpoint");
      expect(back?.params).toBe("'=1+1");
    });
  });

  it('writes a UTF-8 BOM only when asked, and reads either back', async () => {
    await withTempDir(async (dir) => {
      const plain = join(dir, 'plain.csv');
      const bom = join(dir, 'bom.csv');
      const records = [makeRecord({ output: '中文输出' })];
      await writeAll(plain, records);
      await writeAll(bom, records, true);
      const plainBytes = await readFile(plain);
      const bomBytes = await readFile(bom);
      expect([...plainBytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      expect([...bomBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bomBytes.subarray(3).equals(plainBytes)).toBe(true);
      expect(await readAll(bom)).toEqual(records);
    });
  });

  it('writes 10,000 rows and reads back exactly 10,000', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      const n = 10_000;
      for (let seq = 0; seq < n; seq++) {
        writer.write(makeRecord({ seq, rowId: `r${seq % 50}`, repeat: seq % 3, output: `answer ${seq}, "quoted"\nline two` }));
      }
      expect(writer.rowsWritten).toBe(n);
      await writer.close();
      let count = 0;
      let lastSeq = -1;
      for await (const record of readRequestsCsv(path)) {
        expect(record.seq).toBe(lastSeq + 1);
        lastSeq = record.seq;
        count++;
      }
      expect(count).toBe(n);
    });
  });

  it('lets a producer wait for the buffer to drain', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      const big = 'x'.repeat(4000);
      for (let seq = 0; seq < 2000; seq++) {
        writer.write(makeRecord({ seq, output: big }));
        await writer.ready();
      }
      await writer.close();
      let count = 0;
      for await (const record of readRequestsCsv(path)) {
        expect(record.output).toBe(big);
        count++;
      }
      expect(count).toBe(2000);
    });
  });

  it('puts rows on disk before close', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      writer.write(makeRecord({ seq: 0, output: 'first row' }));
      let text = '';
      for (let i = 0; i < 100 && !text.includes('first row'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        text = await readFile(path, 'utf8');
      }
      expect(text).toContain('first row');
      await writer.close();
    });
  });

  it('refuses writes after close; close is idempotent', async () => {
    await withTempDir(async (dir) => {
      const writer = openRequestsCsv(join(dir, 'sub', 'requests.csv'));
      writer.write(makeRecord());
      await Promise.all([writer.close(), writer.close()]);
      expect(() => writer.write(makeRecord())).toThrow(/closed/);
    });
  });

  it('reports a file that cannot be written from close()', async () => {
    await withTempDir(async (dir) => {
      // The path is an existing directory.
      const writer = openRequestsCsv(dir);
      await expect(writer.close()).rejects.toThrow(/EISDIR/);
    });
  });

  it('rejects a file that is not a requests.csv, and a missing file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'other.csv');
      await writeFile(path, 'a,b,c\n1,2,3\n');
      await expect(readAll(path)).rejects.toThrow(/not a qfbench requests\.csv/);
      await expect(readAll(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
      const good = join(dir, 'good.csv');
      await writeAll(good, [makeRecord({ seq: 0, output: 'two\nlines' }), makeRecord({ seq: 1 })]);
      const bad = join(dir, 'bad.csv');
      const lines = (await readFile(good, 'utf8')).split('\n');
      // The second record starts on line 4 (the first record's output spans lines 2-3).
      lines[3] = lines[3]!.replace(',ok,', ',exploded,');
      await writeFile(bad, lines.join('\n'));
      await expect(readAll(bad)).rejects.toThrow(/bad\.csv:4: outcome "exploded"/);
    });
  });
});
