import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { rebuildReport } from '../../src/report/rebuild.js';
import { openRequestsCsv } from '../../src/report/requests-csv.js';
import { SUMMARY_CSV_COLUMNS } from '../../src/report/summary-csv.js';
import { writeSummaryJson } from '../../src/report/summary-json.js';
import { makeRecord, makeSummary, withTempDir } from './fixtures.js';

describe('rebuildReport', () => {
  it('re-renders report.html and summary.csv, streaming requests.csv and keeping the first rows', async () => {
    await withTempDir(async (dir) => {
      await writeSummaryJson(join(dir, 'summary.json'), makeSummary({ simulated: true }));
      const csv = openRequestsCsv(join(dir, 'requests.csv'));
      for (let seq = 0; seq < 2600; seq++) {
        csv.write(makeRecord({ seq, rowId: `row-${seq}`, output: seq === 1 ? '- a list item, =1+1' : `答案 ${seq}` }));
        await csv.ready();
      }
      await csv.close();
      const result = await rebuildReport(dir, { excelBom: true });
      expect(result).toMatchObject({ requestsTotal: 2600, requestsShown: 2000 });
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Showing the first 2000 of 2600 requests');
      expect(html).toContain('row-1999<');
      expect(html).not.toContain('row-2000<');
      // Text neutralised against spreadsheets in the CSV shows as written in the page.
      expect(html).toContain('>- a list item, =1+1<');
      expect(html).toContain('答案 7');
      expect(html).toContain('SIMULATED');
      const summaryCsv = await readFile(join(dir, 'summary.csv'), 'utf8');
      expect(summaryCsv.charCodeAt(0)).toBe(0xfeff);
      expect(summaryCsv.slice(1).split('\n')[0]).toBe(SUMMARY_CSV_COLUMNS.join(','));
    });
  });

  it('works without requests.csv, and names a folder that is not a run', async () => {
    await withTempDir(async (dir) => {
      await writeSummaryJson(join(dir, 'summary.json'), makeSummary());
      const result = await rebuildReport(dir);
      expect(result.requestsTotal).toBeUndefined();
      expect(await readFile(join(dir, 'report.html'), 'utf8')).not.toContain('id="requests"');
      const error = await rebuildReport(join(dir, 'nowhere')).catch((e: unknown) => e);
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(/no summary\.json/);
    });
  });
});
