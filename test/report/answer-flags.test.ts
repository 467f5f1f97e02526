/**
 * v1's safety and truncation flags in the outputs: the `safety` column group of requests.csv,
 * the per-cell counts of summary.json, and the console and HTML columns that appear only when a
 * cell has a flagged or truncated answer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CellRecorder } from '../../src/metrics/cell-recorder.js';
import { cellSummarySchema } from '../../src/metrics/summary-schema.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { formatSummaryTable } from '../../src/report/console-table.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { openRequestsCsv, readRequestsCsv } from '../../src/report/requests-csv.js';
import { makeCell, makeRecord, makeSummary, withTempDir } from './fixtures.js';

const v1 = (overrides: Partial<RequestRecord>): RequestRecord => makeRecord({ needClearHistory: false, isTruncated: false, ...overrides });

describe('requests.csv safety columns', () => {
  it('appear when the first record has the flags, and read back', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const records = [v1({ seq: 0 }), v1({ seq: 1, needClearHistory: true, banRound: -1 }), v1({ seq: 2, isTruncated: true })];
      const writer = openRequestsCsv(path);
      for (const record of records) writer.write(record);
      await writer.close();
      const [header] = (await readFile(path, 'utf8')).split('\n');
      expect(header?.endsWith(',output,need_clear_history,ban_round,is_truncated')).toBe(true);
      const back: RequestRecord[] = [];
      for await (const record of readRequestsCsv(path)) back.push(record);
      expect(back.map((r) => [r.needClearHistory, r.banRound, r.isTruncated])).toEqual([
        [false, undefined, false],
        [true, -1, false],
        [false, undefined, true],
      ]);
    });
  });

  it('are absent for records without them (other protocols)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      writer.write(makeRecord());
      await writer.close();
      expect((await readFile(path, 'utf8')).split('\n')[0]).not.toContain('need_clear_history');
    });
  });
});

describe('cell flag counts', () => {
  const identity = { id: 'c0', label: 'x', model: 'm', endpoint: 'e', params: {} };

  it('count flagged and truncated answers of a v1 cell', () => {
    const recorder = new CellRecorder(identity);
    recorder.record(v1({ needClearHistory: true, banRound: -1 }), {});
    recorder.record(v1({ isTruncated: true }), {});
    recorder.record(v1({ isTruncated: true }), {});
    recorder.record(v1({}), {});
    const summary = recorder.summary();
    expect(summary.flags).toEqual({ needClearHistory: 1, truncated: 2 });
    expect(cellSummarySchema.parse(summary).flags).toEqual({ needClearHistory: 1, truncated: 2 });
  });

  it('are left out of a cell whose records have no flags', () => {
    const recorder = new CellRecorder(identity);
    recorder.record(makeRecord(), {});
    expect(recorder.summary().flags).toBeUndefined();
  });
});

describe('flag columns of the console table and the HTML report', () => {
  it('show only when some cell has a flagged or truncated answer', () => {
    const quiet = makeSummary({ cells: [makeCell({ flags: { needClearHistory: 0, truncated: 0 } })] });
    expect(formatSummaryTable(quiet)).not.toContain('unsafe');
    expect(formatSummaryTable(quiet)).not.toContain('truncated');
    expect(renderHtmlReport(quiet)).not.toMatch(/<th[^>]*>unsafe<\/th>/);

    const flagged = makeSummary({ cells: [makeCell({ flags: { needClearHistory: 2, truncated: 0 } }), makeCell({ id: 'c1' })] });
    const table = formatSummaryTable(flagged);
    expect(table).toContain('unsafe');
    expect(table).not.toContain('truncated');
    const html = renderHtmlReport(flagged);
    expect(html).toContain('Flags');
    expect(html).toMatch(/<th[^>]*>unsafe<\/th>/);
  });
});
