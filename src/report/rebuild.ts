/**
 * `qfbench report DIR`: re-render report.html and summary.csv of a finished run from its
 * summary.json and requests.csv, so reports pick up a newer qfbench's layout and charts.
 * requests.csv is streamed: however large it is, only the first rows the HTML table shows are
 * kept in memory.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { configError } from '../errors.js';
import type { RequestRecord } from '../metrics/types.js';
import { restoreNeutralisedCell } from './csv-safety.js';
import { writeFileAtomic } from '../util/fs-util.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReportWithCharts } from './html.js';
import { readRequestsCsv } from './requests-csv.js';
import { writeSummaryCsv } from './summary-csv.js';
import { readSummaryJson } from './summary-json.js';

export interface RebuildReportOptions {
  /** Write summary.csv with a UTF-8 BOM for Excel. */
  excelBom?: boolean;
  /** Rows kept for the HTML table (default HTML_REQUEST_ROW_LIMIT). */
  requestRowLimit?: number;
}

export interface RebuildReportResult {
  summaryCsvPath: string;
  reportHtmlPath: string;
  /** Rows in requests.csv (undefined when the folder has none). */
  requestsTotal: number | undefined;
  requestsShown: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A request row as read back from requests.csv, with text shown as the model wrote it. */
function forDisplay(record: RequestRecord): RequestRecord {
  const restored: RequestRecord = { ...record, output: restoreNeutralisedCell(record.output), rowId: restoreNeutralisedCell(record.rowId) };
  if (record.errorMsg !== undefined) restored.errorMsg = restoreNeutralisedCell(record.errorMsg);
  if (record.errorCode !== undefined) restored.errorCode = restoreNeutralisedCell(record.errorCode);
  return restored;
}

/** Stream requests.csv, keeping the first `limit` rows (sorted by dispatch order) and the count. */
export async function readFirstRequests(path: string, limit: number): Promise<{ rows: RequestRecord[]; total: number }> {
  const rows: RequestRecord[] = [];
  let total = 0;
  for await (const record of readRequestsCsv(path)) {
    total += 1;
    if (rows.length < limit) rows.push(forDisplay(record));
  }
  rows.sort((a, b) => a.seq - b.seq);
  return { rows, total };
}

export async function rebuildReport(dir: string, options: RebuildReportOptions = {}): Promise<RebuildReportResult> {
  const summaryPath = join(dir, 'summary.json');
  if (!(await exists(summaryPath))) {
    throw configError(`${dir}: no summary.json there; give the folder a qfbench run wrote (it holds summary.json and requests.csv)`);
  }
  const summary = await readSummaryJson(summaryPath);
  const requestsPath = join(dir, 'requests.csv');
  const limit = options.requestRowLimit ?? HTML_REQUEST_ROW_LIMIT;
  const requests = (await exists(requestsPath)) ? await readFirstRequests(requestsPath, limit) : undefined;

  const summaryCsvPath = join(dir, 'summary.csv');
  const reportHtmlPath = join(dir, 'report.html');
  await writeSummaryCsv(summaryCsvPath, summary, { excelBom: options.excelBom === true });
  const html = await renderHtmlReportWithCharts(summary, requests !== undefined ? { requests: requests.rows, requestsTotal: requests.total } : {});
  await writeFileAtomic(reportHtmlPath, html);
  return {
    summaryCsvPath,
    reportHtmlPath,
    requestsTotal: requests?.total,
    requestsShown: requests?.rows.length ?? 0,
  };
}
