import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderSummaryCsv, SUMMARY_CSV_COLUMNS, writeSummaryCsv } from '../../src/report/summary-csv.js';
import { emptyDist, makeCell, makeSummary, withTempDir } from './fixtures.js';

function rows(csv: string): Record<string, string>[] {
  return parse(csv, { bom: true, columns: true }) as Record<string, string>[];
}

describe('summary.csv', () => {
  it('has one row per cell with the documented columns', async () => {
    expect(SUMMARY_CSV_COLUMNS).toEqual([
      'cell',
      'label',
      'model',
      'endpoint',
      'params',
      'planned',
      'ok',
      'failed',
      'throttled',
      'timeout',
      'cancelled',
      'dropped',
      'error_rate',
      'throttled_rate',
      'latency_p50_ms',
      'latency_p90_ms',
      'latency_p95_ms',
      'latency_p99_ms',
      'latency_mean_ms',
      'latency_max_ms',
      'ttft_p50_ms',
      'ttft_p90_ms',
      'ttft_p99_ms',
      'tpot_p50_ms',
      'tpot_p90_ms',
      'tpot_p99_ms',
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'requests_per_sec',
      'output_tokens_per_sec',
      'simulated',
      'run_kind',
    ]);
    await withTempDir(async (dir) => {
      const path = join(dir, 'summary.csv');
      await writeSummaryCsv(path, makeSummary());
      const text = await readFile(path, 'utf8');
      expect(text.split('\n')[0]).toBe(SUMMARY_CSV_COLUMNS.join(','));
      const [first, second, ...rest] = rows(text);
      expect(rest).toEqual([]);
      expect(first).toMatchObject({
        cell: 'c0',
        model: 'ernie-speed-8k',
        params: '{"temperature":0.3}',
        planned: '10',
        ok: '8',
        failed: '1',
        throttled: '1',
        dropped: '0',
        error_rate: '0.1000',
        throttled_rate: '0.1000',
        latency_p50_ms: '1200.000',
        latency_p99_ms: '2400.000',
        ttft_p90_ms: '450.000',
        tpot_p50_ms: '25.000',
        total_tokens: '1280',
        requests_per_sec: '1.600',
        output_tokens_per_sec: '192.000',
        simulated: 'false',
      });
      expect(second?.cell).toBe('c1');
    });
  });

  it('marks every row of a simulated run', () => {
    const parsed = rows(renderSummaryCsv(makeSummary({ simulated: true })));
    expect(parsed.map((r) => r['simulated'])).toEqual(['true', 'true']);
  });

  it('leaves figures of empty distributions blank, neutralises names, and writes a BOM on request', () => {
    const cell = makeCell({ label: '=cmd|calc', model: '文心-4.0', ttftMs: emptyDist(), tpotMs: emptyDist() });
    const csv = renderSummaryCsv(makeSummary({ cells: [cell] }), { excelBom: true });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [row] = rows(csv);
    expect(row?.['label']).toBe("'=cmd|calc");
    expect(row?.['model']).toBe('文心-4.0');
    expect(row?.['ttft_p50_ms']).toBe('');
    expect(row?.['tpot_p99_ms']).toBe('');
    expect(renderSummaryCsv(makeSummary()).charCodeAt(0)).not.toBe(0xfeff);
  });
});
