/**
 * Regression checks riding along a run: each row's assertions on each answer (results in
 * requests.csv and the report, a pass rate per cell), thresholds over the cells' figures, a
 * comparison with a baseline run, and JUnit XML of it all. Everything that can be wrong with them
 * (a malformed assertion, a threshold naming no cell of the run, a missing baseline) is found
 * here, before anything is sent. A run that asks for none of it gets an extension that does
 * nothing.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import type { DatasetRow } from '../dataset/types.js';
import { configError, isUserError } from '../errors.js';
import { answerRow, checkBaseline, type AnswerRow, type BaselineCheck } from '../eval/baseline.js';
import { judgeRequest, keptJudgement } from '../eval/judge-request.js';
import { junitSuites } from '../report/junit-suites.js';
import { compileRowAssertions, NO_CHECKS, type RowChecks } from '../eval/row-assertions.js';
import { scoreLine } from '../eval/score-line.js';
import { AssertionTally } from '../eval/tally.js';
import { cellMatches, evaluateThresholds, type ThresholdResult } from '../eval/thresholds/evaluate.js';
import { parseThreshold, type Threshold } from '../config/threshold-expression.js';
import type { CheckResult, RequestRecord, RunSummary } from '../metrics/types.js';
import { buildCells } from '../plan/plan.js';
import { writeJunitXml } from '../report/junit.js';
import { readRequestsCsv, storedText } from '../report/requests-csv.js';
import { readSummaryJson } from '../report/summary-json.js';
import type { Logger } from '../util/logger.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';
import { generatesText } from '../providers/api-kinds.js';

const LISTED_CHANGES = 20;

export async function createEvalExtension(config: RunConfig, prepared: PreparedRun, logger: Logger): Promise<RunExtension> {
  const thresholds = config.thresholds.map(thresholdOf);
  checkSelectors(thresholds, config, prepared);
  const assertionsByRow = new Map<DatasetRow, RowChecks>();
  // node:vm takes a whole number of milliseconds.
  const jsTimeoutMs = Math.max(1, Math.round(config.jsTimeout * 1000));
  for (const row of prepared.rows) {
    const checks = await compileRowAssertions(row, { jsTimeoutMs });
    if (checks.assertions.length > 0) assertionsByRow.set(row, checks);
  }
  const checksAssertions = assertionsByRow.size > 0;
  if (!checksAssertions && thresholds.length === 0 && config.baseline === undefined && config.junit === undefined) return {};
  const baseline = config.baseline !== undefined ? await checkBaselineFolder(config.baseline, config.out) : undefined;

  const rowOrder = new Map(prepared.rows.map((row, index) => [row, index]));
  const tally = new AssertionTally();
  // The baseline check compares this run from memory: what it needs of each record, in the order requests.csv gets them.
  const runRows: AnswerRow[] = [];
  // Every check judged by `failures`, passing ones too, for summary.checks.
  let results: CheckResult[] = [];
  return {
    onRequest({ spec, record, stored }) {
      const fresh = judgeRequest(assertionsByRow.get(spec.row) ?? NO_CHECKS, record, {
        // As toProviderRequest decides: only text-generating APIs stream.
        stream: config.stream && generatesText(spec.cell.api),
        replayed: record.replayed === true,
        context: { rowId: spec.row.id, vars: spec.row.vars, model: spec.cell.model, params: spec.cell.params },
      });
      // A kept row was judged when it arrived, on its whole answer (the file keeps at most 32,000 characters of it).
      const judgement = stored === true ? keptJudgement(record, fresh) : fresh;
      // Every record of a run with assertions gets the fields (`none` for rows without), so
      // requests.csv has the columns whichever request finishes first.
      if (checksAssertions) {
        record.assertResult = judgement.result;
        record.assertReason = judgement.reason;
        if (judgement.score !== undefined) record.assertScore = judgement.score;
      }
      // As requests.csv stores the text: the baseline's rows are read back from its requests.csv (a kept row already is).
      // Taken once judged, so the baseline check can pair the verdicts.
      if (baseline !== undefined) runRows.push(answerRow(stored === true ? record : { ...record, ...storedText(record) }));
      tally.add(record, judgement, spec.cell.label, rowOrder.get(spec.row) ?? 0);
    },
    decorateSummary(summary) {
      if (!checksAssertions) return;
      for (const cell of summary.cells) cell.assertions = tally.cellAssertions(cell.id) ?? { passed: 0, failed: 0, skipped: 0, passRate: null };
    },
    async failures(summary) {
      const lines: string[] = [];
      if (checksAssertions) lines.push(...assertionLines(tally, summary, logger));
      const thresholdResults = evaluateThresholds(thresholds, summary);
      for (const result of thresholdResults.filter((r) => !r.pass)) {
        lines.push(`threshold ${result.threshold.text} failed${result.cell !== undefined ? ` for ${result.cell.label}` : ''}: ${result.reason}`);
      }
      if (thresholds.length > 0 && thresholdResults.every((r) => r.pass)) logger.info(`thresholds: all ${thresholdResults.length} met`);
      let baselineCheck: BaselineCheck | undefined;
      if (baseline !== undefined) {
        const base = { dir: baseline.dir, summary: baseline.summary, rows: answerRows(readRequestsCsv(join(baseline.dir, 'requests.csv'))) };
        baselineCheck = await checkBaseline(base, { dir: baseline.runDir, summary, rows: runRows }, config.tolerance);
        lines.push(...baselineCheck.regressions.map((r) => `baseline ${baseline.dir}: regression in ${r.cellLabel}: ${r.line}`));
        if (baselineCheck.noMatch !== undefined) lines.push(`baseline ${baseline.dir}: ${baselineCheck.noMatch}`);
        reportChangedAnswers(baselineCheck, baseline.dir, logger);
      }
      results = [
        ...(checksAssertions ? assertionResults(summary) : []),
        ...thresholdResults.map(thresholdResult),
        ...(baseline !== undefined && baselineCheck !== undefined ? baselineResults(baseline.dir, baselineCheck) : []),
        ...rowErrorResults(tally, checksAssertions || config.junit !== undefined),
      ];
      if (config.junit !== undefined) {
        const suites = junitSuites({
          cells: summary.cells,
          rowCells: tally.rowCells(summary.cells.map((cell) => cell.id)),
          thresholds: thresholdResults,
          ...(baseline !== undefined && baselineCheck !== undefined ? { baseline: { dir: baseline.dir, check: baselineCheck } } : {}),
        });
        await writeJunitXml(config.junit, suites, { name: 'qfbench', timestamp: summary.run.startedAt });
        logger.info(`wrote ${config.junit}`);
      }
      return lines;
    },
    checkResults() {
      return results;
    },
    // Rows are test cases when assertions or --junit make them so; a request without an answer is then a test error.
    requestErrors() {
      if (!checksAssertions && config.junit === undefined) return [];
      return requestErrorLines(tally);
    },
  };
}

function assertionResults(summary: RunSummary): CheckResult[] {
  return summary.cells.flatMap((cell): CheckResult[] => {
    const counts = cell.assertions;
    if (counts === undefined || counts.passRate === null) return [];
    const checked = counts.passed + counts.failed + (counts.errored ?? 0);
    const rate = `${(counts.passRate * 100).toFixed(1)}%`;
    const errored = (counts.errored ?? 0) > 0 ? `, ${counts.errored} without an answer` : '';
    const detail = `${counts.passed} of ${checked} answers passed (${rate})${counts.failed > 0 ? `, ${counts.failed} failed` : ''}${errored}`;
    return [{ kind: 'assertions', name: 'assertions', cell: cell.label, pass: counts.failed === 0 && (counts.errored ?? 0) === 0, detail }];
  });
}

function thresholdResult(result: ThresholdResult): CheckResult {
  return {
    kind: 'threshold',
    name: `threshold ${result.threshold.text}`,
    ...(result.cell !== undefined ? { cell: result.cell.label } : {}),
    pass: result.pass,
    detail: result.reason,
  };
}

function baselineResults(dir: string, check: BaselineCheck): CheckResult[] {
  const name = `baseline ${dir}`;
  if (check.noMatch !== undefined) return [{ kind: 'baseline', name, pass: false, detail: check.noMatch }];
  // A regressed pass rate is among the regressions; the pass rates that held are listed as passing checks.
  const passRates = check.passRates
    .filter((rate) => rate.delta.verdict !== 'regression')
    .map((rate): CheckResult => ({ kind: 'baseline', name: `${name}: pass rate`, cell: rate.cellLabel, pass: true, detail: rate.detail }));
  const regressions = check.regressions.map((regression): CheckResult => ({
    kind: 'baseline',
    name,
    cell: regression.cellLabel,
    pass: false,
    detail: regression.line,
  }));
  if (regressions.length > 0) return [...regressions, ...passRates];
  const matched = check.comparison.matched.length;
  const held: CheckResult = {
    kind: 'baseline',
    name,
    pass: true,
    detail: `no regression in ${matched} matched cell(s); ${check.changedAnswers.length} answer(s) changed`,
  };
  return [held, ...passRates];
}

/** In a run of row tests, requests without an answer are test errors: one failed check that counts them. */
function rowErrorResults(tally: AssertionTally, rowTests: boolean): CheckResult[] {
  if (!rowTests || tally.erroredRequests === 0) return [];
  const count = tally.erroredRequests;
  return [{ kind: 'outcome', name: 'row requests answered', pass: false, detail: `${count} request(s) of the row tests got no answer (test errors)` }];
}

function requestErrorLines(tally: AssertionTally): string[] {
  if (tally.erroredRequests === 0) return [];
  const more = tally.erroredRequests - tally.firstErrors.length;
  return [
    ...tally.firstErrors,
    ...(more > 0 ? [`… and ${more} more request(s) without an answer; ` + `requests.csv has each error (error_code, error_msg)`] : []),
  ];
}

function thresholdOf(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) throw configError(`--threshold: ${parsed.message}`);
  return parsed.threshold;
}

/** A selector that matches no cell of the run is a typo, not a threshold that passes by having nothing to judge. */
function checkSelectors(thresholds: readonly Threshold[], config: RunConfig, prepared: PreparedRun): void {
  const cells = buildCells(prepared.targets, prepared.grid, config.api);
  for (const threshold of thresholds) {
    if (cells.some((cell) => threshold.selectors.every((selector) => cellMatches(cell, selector)))) continue;
    const models = prepared.targets.map((target) => target.model).join(', ');
    const params = Object.keys(prepared.grid).join(', ') || '(none)';
    throw configError(`--threshold ${threshold.text}: no cell of this run matches it (models: ${models}; parameters: ${params})`);
  }
}

async function* answerRows(records: AsyncIterable<RequestRecord>): AsyncIterable<AnswerRow> {
  for await (const record of records) yield answerRow(record);
}

async function checkBaselineFolder(dir: string, out: string | undefined): Promise<{ dir: string; runDir: string; summary: RunSummary }> {
  if (out === undefined) throw configError(`--baseline ${dir}: the run has no output folder to compare with the baseline`);
  if (resolve(dir) === resolve(out)) throw configError(`--baseline ${dir}: it is the --out folder of this run; give an earlier run's folder`);
  for (const file of ['summary.json', 'requests.csv']) {
    try {
      await access(join(dir, file));
    } catch {
      throw configError(`--baseline ${dir}: no ${file} there; give the folder an earlier qfbench run wrote`);
    }
  }
  // Read both files now, not after the last request: a damaged baseline must not cost a whole run.
  let summary: RunSummary;
  try {
    summary = await readSummaryJson(join(dir, 'summary.json'));
    const rows = readRequestsCsv(join(dir, 'requests.csv'))[Symbol.asyncIterator]();
    while (!(await rows.next()).done);
  } catch (error) {
    if (isUserError(error)) throw configError(`--baseline: ${error.message}`);
    // csv-parse's own errors (an unclosed quote, a short row) are the file's fault too.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_'))
      throw configError(`--baseline: ${join(dir, 'requests.csv')}: not a valid CSV (${(error as Error).message.split('\n')[0]})`);
    throw error;
  }
  return { dir, runDir: out, summary };
}

function assertionLines(tally: AssertionTally, summary: RunSummary, logger: Logger): string[] {
  for (const cell of summary.cells) {
    const counts = cell.assertions;
    if (counts === undefined || counts.passRate === null) continue;
    logger.info(
      `pass rate ${cell.label}: ${(counts.passRate * 100).toFixed(1)}% (${counts.passed} ` +
        `of ${counts.passed + counts.failed + (counts.errored ?? 0)}${(counts.errored ?? 0) > 0 ? `, ${counts.errored} without an answer` : ''})`,
    );
    const scores = scoreLine(cell.label, counts);
    if (scores !== undefined) logger.info(scores);
  }
  if (tally.failedRequests === 0) return [];
  const more = tally.failedRequests - tally.firstFailures.length;
  return [...tally.firstFailures, ...(more > 0 ? [`… and ${more} more failed request(s); requests.csv has every reason (assert_reason)`] : [])];
}

function reportChangedAnswers(check: BaselineCheck, dir: string, logger: Logger): void {
  const changed = check.changedAnswers;
  // A verdict can change with the text unchanged (a latency-ms check), so those rows are listed either way.
  reportVerdictChanges(check, dir, logger);
  if (changed.length === 0) {
    logger.info(`baseline ${dir}: no answer changed`);
    return;
  }
  logger.warn(`baseline ${dir}: ${changed.length} answer(s) changed:`);
  for (const change of changed.slice(0, LISTED_CHANGES)) logger.warn(`  row ${JSON.stringify(change.rowId)} × ${change.cellLabel} (repeat ${change.repeat})`);
  if (changed.length > LISTED_CHANGES) logger.warn(`  … and ${changed.length - LISTED_CHANGES} more`);
}

/** Rows whose assertion verdict changed against the baseline: a pass that became a fail is what a reviewer looks at first. */
function reportVerdictChanges(check: BaselineCheck, dir: string, logger: Logger): void {
  const changes = check.verdictChanges;
  if (changes.length === 0) return;
  const broke = changes.filter((change) => change.change === 'pass→fail').length;
  logger.warn(`baseline ${dir}: ${changes.length} row verdict(s) changed (${broke} pass→fail, ${changes.length - broke} fail→pass):`);
  for (const change of changes.slice(0, LISTED_CHANGES)) {
    const reason = change.reason === '' ? '' : `: ${change.reason.length > 200 ? `${change.reason.slice(0, 199)}…` : change.reason}`;
    logger.warn(`  ${change.change} row ${JSON.stringify(change.rowId)} × ${change.cellLabel} (repeat ${change.repeat})${reason}`);
  }
  if (changes.length > LISTED_CHANGES) logger.warn(`  … and ${changes.length - LISTED_CHANGES} more`);
}
