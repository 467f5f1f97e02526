/**
 * `qfbench report DIR`: re-render report.html and summary.csv of a finished run from its
 * summary.json and requests.csv, so reports pick up a newer qfbench's layout and charts.
 * requests.csv is streamed: however large it is, only the first rows the HTML table shows are
 * kept in memory.
 */
import { join } from 'node:path';
import { configError } from '../errors.js';
import type { RequestRecord, RunSummary } from '../metrics/types.js';
import { readRunManifest } from './run-manifest.js';
import { readBaselineAnswers } from './baseline-answers.js';
import { summaryFromRows } from './summary-from-rows.js';
import { restoreNeutralisedCell } from './csv-safety.js';
import { writeFileAtomic, pathExists } from '../util/fs-util.js';
import { HTML_REQUEST_ROW_LIMIT, renderHtmlReportWithCharts } from './html.js';
import { readRequestsCsv } from './requests-csv.js';
import { writeSummaryCsv } from './summary-csv.js';
import { readSummaryJson, writeSummaryJson } from './summary-json.js';

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
  /** True when the folder had no summary.json and it was rebuilt from requests.csv (and written). */
  rebuiltFromRows: boolean;
}

/** A request row as read back from requests.csv, with text shown as the model wrote it. */
export function displayedRecord(record: RequestRecord): RequestRecord {
  const restored: RequestRecord = { ...record, output: restoreNeutralisedCell(record.output), rowId: restoreNeutralisedCell(record.rowId) };
  if (record.errorMsg !== undefined) restored.errorMsg = restoreNeutralisedCell(record.errorMsg);
  if (record.errorCode !== undefined) restored.errorCode = restoreNeutralisedCell(record.errorCode);
  return restored;
}

/** Stream requests.csv, keeping the first `limit` rows (sorted by dispatch order) and the count. */
export async function readFirstRequests(path: string, limit: number, tornTailAllowed = false): Promise<{ rows: RequestRecord[]; total: number }> {
  const rows: RequestRecord[] = [];
  let total = 0;
  for await (const record of readRequestsCsv(path, tornTailAllowed ? { tornTail: 'skip' } : {})) {
    total += 1;
    if (rows.length < limit) rows.push(displayedRecord(record));
  }
  rows.sort((a, b) => a.seq - b.seq);
  return { rows, total };
}

export async function rebuildReport(dir: string, options: RebuildReportOptions = {}): Promise<RebuildReportResult> {
  const summaryPath = join(dir, 'summary.json');
  const requestsPath = join(dir, 'requests.csv');
  let rebuilt = false;
  let summary: RunSummary;
  if (await pathExists(summaryPath)) {
    summary = await readSummaryJson(summaryPath);
  } else if (await pathExists(requestsPath)) {
    // A run killed before it wrote its summary: rebuilt from its rows (a torn last row is the one in flight).
    summary = await summaryFromRows(readRequestsCsv(requestsPath, { tornTail: 'skip' }), await readRunManifest(dir));
    await writeSummaryJson(summaryPath, summary);
    rebuilt = true;
  } else {
    throw configError(`${dir}: no summary.json or requests.csv there; give the folder a qfbench run wrote`);
  }
  const limit = options.requestRowLimit ?? HTML_REQUEST_ROW_LIMIT;
  const requests = (await pathExists(requestsPath)) ? await readFirstRequests(requestsPath, limit, rebuilt) : undefined;

  const summaryCsvPath = join(dir, 'summary.csv');
  const reportHtmlPath = join(dir, 'report.html');
  await writeSummaryCsv(summaryCsvPath, summary, { excelBom: options.excelBom === true });
  const baseline = requests !== undefined ? await baselineOf(dir, requests.rows) : undefined;
  const html = await renderHtmlReportWithCharts(
    summary,
    requests !== undefined ? { requests: requests.rows, requestsTotal: requests.total, ...(baseline !== undefined ? { baseline } : {}) } : {},
  );
  await writeFileAtomic(reportHtmlPath, html);
  return {
    summaryCsvPath,
    reportHtmlPath,
    rebuiltFromRows: rebuilt,
    requestsTotal: requests?.total,
    requestsShown: requests?.rows.length ?? 0,
  };
}

/**
 * The answers of the run's --baseline (run.json keeps its absolute path), for the outputs
 * section; none when the run had no baseline or the folder is gone: the report still renders.
 */
async function baselineOf(dir: string, rows: readonly RequestRecord[]): Promise<Awaited<ReturnType<typeof readBaselineAnswers>>> {
  const manifest = await readRunManifest(dir).catch(() => undefined);
  const path = manifest?.config.baseline;
  if (typeof path !== 'string' || path === '') return undefined;
  return readBaselineAnswers(path, rows).catch(() => undefined);
}
