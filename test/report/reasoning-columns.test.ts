/**
 * Reasoning models in the outputs (metrics definition 2): the `reasoning` column group of
 * requests.csv, the cell's ttfrtMs and reasoning token sum, their merge across shards, and the
 * summary.csv, console and HTML columns that appear only when a cell has them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CellRecorder } from '../../src/metrics/cell-recorder.js';
import { cellSummarySchema } from '../../src/metrics/summary-schema.js';
import type { CellSummary, RequestRecord } from '../../src/metrics/types.js';
import { formatSummaryTable } from '../../src/report/console-table.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { mergeCells } from '../../src/report/merge.js';
import { openRequestsCsv, readRequestsCsv } from '../../src/report/requests-csv.js';
import { renderSummaryCsv } from '../../src/report/summary-csv.js';
import { makeCell, makeRecord, makeSummary, withTempDir } from './fixtures.js';

const thinking = (overrides: Partial<RequestRecord> = {}): RequestRecord => makeRecord({ ttfrtMs: 12.5, reasoningTokens: 40, ...overrides });

function recorded(records: readonly RequestRecord[]): CellSummary {
  const recorder = new CellRecorder({ id: 'c1', label: 'deepseek-r1', model: 'DeepSeek-R1', endpoint: 'deepseek-r1', params: {} });
  for (const record of records) recorder.record(record, { dispatchedAt: 0, doneAt: 100 });
  return recorder.summary();
}

describe('requests.csv reasoning columns', () => {
  it('follow the first record that has them, and read back', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path);
      writer.write(thinking({ seq: 0 }));
      writer.write(makeRecord({ seq: 1 }));
      await writer.close();
      const [header] = (await readFile(path, 'utf8')).split('\n');
      expect(header?.endsWith(',output,ttfrt_ms,reasoning_tokens')).toBe(true);
      const back: RequestRecord[] = [];
      for await (const record of readRequestsCsv(path)) back.push(record);
      expect(back.map((r) => [r.ttfrtMs, r.reasoningTokens])).toEqual([
        [12.5, 40],
        [undefined, undefined],
      ]);
    });
  });

  it('are in the header from the start when the run asks for the group, whatever answers first', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'requests.csv');
      const writer = openRequestsCsv(path, { groups: ['reasoning'] });
      writer.write(makeRecord({ seq: 0 }));
      writer.write(thinking({ seq: 1 }));
      await writer.close();
      const back: RequestRecord[] = [];
      for await (const record of readRequestsCsv(path)) back.push(record);
      expect(back[1]).toMatchObject({ ttfrtMs: 12.5, reasoningTokens: 40 });
    });
  });
});

describe('a reasoning cell', () => {
  it('has ttfrtMs and tokens.reasoning; other cells have neither', () => {
    const cell = recorded([thinking(), thinking({ ttfrtMs: 20, reasoningTokens: 60 })]);
    expect(cellSummarySchema.parse(cell).ttfrtMs?.count).toBe(2);
    expect(cell.tokens.reasoning).toBe(100);
    expect(cell.histograms.ttfrt).toBeDefined();
    const plain = recorded([makeRecord()]);
    expect(plain).not.toHaveProperty('ttfrtMs');
    expect(plain.tokens).not.toHaveProperty('reasoning');
    expect(plain.histograms).not.toHaveProperty('ttfrt');
  });

  it('merges across shards by adding histograms and sums', () => {
    const merged = mergeCells([recorded([thinking()]), recorded([thinking({ ttfrtMs: 30, reasoningTokens: 10 })])]);
    expect(merged.ttfrtMs?.count).toBe(2);
    expect(merged.ttfrtMs?.max).toBeGreaterThanOrEqual(29.9);
    expect(merged.tokens.reasoning).toBe(50);
  });

  it('shows its columns in summary.csv, the console table and the report only when some cell has them', () => {
    const reasoning = makeSummary({ cells: [makeCell({ ...recorded([thinking()]), id: 'c1' }), makeCell({ id: 'c2' })] });
    const plain = makeSummary({ cells: [makeCell()] });
    const header = (summary: typeof plain) => renderSummaryCsv(summary).split('\n')[0] ?? '';
    expect(header(reasoning)).toContain('ttfrt_p50_ms,ttfrt_p90_ms,ttfrt_p99_ms,reasoning_tokens');
    expect(header(plain)).not.toContain('ttfrt');
    expect(formatSummaryTable(reasoning)).toContain('TTFRT p50 ms');
    expect(formatSummaryTable(plain)).not.toContain('TTFRT');
    expect(renderHtmlReport(reasoning)).toContain('First reasoning token (ms)');
    expect(renderHtmlReport(plain)).not.toContain('First reasoning token');
  });
});
