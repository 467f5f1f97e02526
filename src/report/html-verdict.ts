/**
 * The first section of report.html, the answer before the details (as Lighthouse puts its scores
 * first): the checks that decided the exit code, with pass/fail each; per objective the best cell,
 * by how much it leads the runner-up and whether the data separates them (compare/objectives.ts);
 * the Pareto-optimal cells (compare/pareto.ts); and the client's own overhead.
 */
import { formatDelta, formatRelative, formatValue, type FigureUnit } from '../compare/format.js';
import type { ObjectiveResult } from '../compare/objectives.js';
import type { ParetoResult } from '../compare/pareto.js';
import type { RunChecks, RunSummary } from '../metrics/types.js';
import { escapeHtml, section } from './html-kit.js';

const UNIT_SUFFIX: Record<FigureUnit, string> = { ms: ' ms', rate: '', 'per-second': ' tok/s', tokens: ' tokens', cny: ' / 1k req' };

function valueText(unit: FigureUnit, value: number): string {
  // Output tokens/s with one decimal, as the cell table shows them.
  return `${unit === 'per-second' ? value.toFixed(1) : formatValue(unit, value)}${UNIT_SUFFIX[unit]}`;
}

// ---------------------------------------------------------------------------------------------
// Checks

const STATUS_TEXT: Record<RunChecks['status'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  aborted: 'ABORTED',
  interrupted: 'INTERRUPTED',
};

function checkMark(pass: boolean): string {
  return pass ? '<span class="mark-pass">✓ pass</span>' : '<span class="mark-fail">✗ FAIL</span>';
}

function renderChecks(summary: RunSummary): string {
  const checks = summary.checks;
  if (checks === undefined) {
    return (
      `<div class="checks-box checks-unknown"><p class="checks-head">Checks: not recorded</p><p class="note">This summary does not record ` +
      `the checks and exit code (runs before 0.1.0 recorded them, and merged runs).</p></div>`
    );
  }
  const passed = checks.results.filter((result) => result.pass).length;
  const head =
    `<p class="checks-head"><span class="status status-${escapeHtml(checks.status)}">${STATUS_TEXT[checks.status]}</span> ` +
    `<span>exit code <strong>${escapeHtml(checks.exitCode)}</strong></span>` +
    `<span class="note">${passed} of ${checks.results.length} check(s) passed</span></p>`;
  const abort = checks.abortReason !== undefined ? `<p class="abort">Aborted: ${escapeHtml(checks.abortReason)}</p>` : '';
  if (checks.results.length === 0) {
    const none = '<p class="note">No checks: no assertion, threshold, baseline or budget could fail this run.</p>';
    return `<div class="checks-box checks-${escapeHtml(checks.status)}">${head}${abort}${none}</div>`;
  }
  // Failed checks first, one line each; past a handful of checks the passing ones fold into one line.
  const failing = checks.results.filter((result) => !result.pass);
  const passing = checks.results.filter((result) => result.pass);
  const fold = checks.results.length > CHECKS_SHOWN && passing.length > 1;
  const list = (results: RunChecks['results']): string => `<ul class="checks">${results.map(checkItem).join('')}</ul>`;
  const folded = fold
    ? `<details class="checks-passing"><summary>${checkMark(true)} ${passing.length} passing checks: ${escapeHtml(passingNames(passing))}</summary>` +
      `${list(passing)}</details>`
    : '';
  const shown = fold ? failing : [...failing, ...passing];
  return `<div class="checks-box checks-${escapeHtml(checks.status)}">${head}${abort}${shown.length > 0 ? list(shown) : ''}${folded}</div>`;
}

/** Checks listed one by one before the passing ones fold. */
const CHECKS_SHOWN = 6;

function checkItem(result: RunChecks['results'][number]): string {
  const cell = result.cell !== undefined ? ` <span class="note">(${escapeHtml(result.cell)})</span>` : '';
  const text = `${result.name}${result.cell !== undefined ? ` (${result.cell})` : ''} — ${result.detail}`;
  return (
    `<li class="${result.pass ? 'check-ok' : 'check-bad'}" title="${escapeHtml(text)}">${checkMark(result.pass)} <strong>${escapeHtml(result.name)}</strong>` +
    `${cell} — ${escapeHtml(result.detail)}</li>`
  );
}

/** `requests answered, threshold latency.p95<2000 ×4`. */
function passingNames(results: RunChecks['results']): string {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.name, (counts.get(result.name) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Objectives

const SEPARATION_TEXT: Record<ObjectiveResult['separation'], string> = {
  separated: 'significant',
  'no significant difference': 'no significant difference',
  'insufficient data': 'not enough data',
  'only one cell': 'only one cell',
};

/** The best cell's lead over the runner-up, signed as best - runner-up: `−13.8 ms (−4.5%)`. */
function leadHtml(result: ObjectiveResult): string {
  if (result.runnerUp === undefined || result.delta === null) return '–';
  if (result.delta === 0) return 'none (a tie)';
  const relative = result.relative !== null && Number.isFinite(result.relative) ? ` (${formatRelative(result.relative)})` : '';
  let delta = formatDelta(result.unit, result.delta);
  if (result.unit === 'cny') delta = `${delta.replace(/^([+−]?)/, '$1¥').replace(' CNY', '')} / 1k req`;
  if (result.unit === 'per-second') delta = `${result.delta > 0 ? '+' : result.delta < 0 ? '−' : ''}${Math.abs(result.delta).toFixed(1)} tok/s`;
  return escapeHtml(`${delta}${relative}`);
}

function objectiveCard(result: ObjectiveResult): string {
  const separated = result.separation === 'separated';
  const text = result.delta === 0 ? 'tie' : SEPARATION_TEXT[result.separation];
  const badge = `<span class="sep ${separated ? 'sep-yes' : 'sep-no'}">${separated ? '★ ' : ''}${escapeHtml(text)}</span>`;
  const runnerUp =
    result.runnerUp === undefined
      ? ''
      : `<p class="obj-vs">runner-up <span class="cell-name">${escapeHtml(result.runnerUp.label)}</span> · ` +
        `${escapeHtml(valueText(result.unit, result.runnerUp.value))}</p>`;
  const lead = result.runnerUp === undefined ? '' : `lead <strong>${leadHtml(result)}</strong> · `;
  return (
    `<li class="objective${separated ? ' separated' : ''}"><p class="obj-title"><strong>${escapeHtml(result.label)}</strong>${badge}</p>` +
    `<p class="obj-best"><span class="cell-name">${escapeHtml(result.best.label)}</span> ` +
    `<strong class="obj-value">${escapeHtml(valueText(result.unit, result.best.value))}</strong></p>` +
    `${runnerUp}<p class="obj-why">${lead}<span class="note">${escapeHtml(result.statement)}</span></p></li>`
  );
}

function renderObjectives(objectives: readonly ObjectiveResult[]): string {
  if (objectives.length === 0) return '<p class="note">No cell has a figure to rank (no ok request).</p>';
  return `<ol class="objectives" aria-label="Best cell per objective">${objectives.map(objectiveCard).join('')}</ol>`;
}

function renderPareto(summary: RunSummary, pareto: ParetoResult): string {
  if (pareto.dimensions.length === 0 || summary.cells.length < 2) return '';
  const labels = new Map(summary.cells.map((cell) => [cell.id, cell.label]));
  const names = pareto.optimal.map((id) => `<span class="cell-name">${escapeHtml(labels.get(id) ?? id)}</span>`).join(', ');
  const over = pareto.dimensions.map((d) => d.label).join(', ');
  const single = pareto.dimensions.length === 1 ? ' (one dimension only: the best cell)' : '';
  return `<p class="pareto-line"><span class="pareto">◆ Pareto</span> over ${escapeHtml(over)}${single}: ${names}.</p>`;
}

/** One line on the client's own load: its event-loop delay and CPU, and the warning when it may have skewed timings. */
export function clientOverheadHtml(summary: RunSummary): string {
  const client = summary.run.client;
  if (client === undefined) return '';
  const delay = client.eventLoopDelayMs;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const cpu = `${(client.cpuShare * 100).toFixed(0)}% of one core (user ${seconds(client.cpuUserMs)}, system ${seconds(client.cpuSystemMs)})`;
  const text = `Client overhead: event-loop delay p50 ${delay.p50.toFixed(1)} ms, p99 ${delay.p99.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms; CPU ${cpu}.`;
  const warning = client.warning !== undefined ? ` <strong class="warn-text">${escapeHtml(client.warning)}</strong>` : '';
  return `<p class="client-line note">${escapeHtml(text)}${warning}</p>`;
}

export const VERDICT_CSS = `
.checks-box { margin: 6px 0 10px; padding: 8px 12px; border: 2px solid var(--line); border-left-width: 8px; border-radius: 6px; }
.checks-box.checks-passed { border-color: var(--good); }
.checks-box.checks-failed, .checks-box.checks-aborted { border-color: var(--bad); }
.checks-box.checks-interrupted { border-color: var(--warn); }
.checks-head { margin: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: baseline; font-size: 1.1em; }
.status { font-weight: 700; letter-spacing: 0.05em; }
.status-passed { color: var(--good); }
.status-failed, .status-aborted { color: var(--bad); }
.status-interrupted { color: var(--warn); }
ul.checks { margin: 4px 0 0; padding: 0; list-style: none; display: grid; gap: 0 16px; font-size: 0.92em;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
ul.checks li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
details.checks-passing { margin-top: 2px; }
details.checks-passing > summary { cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.mark-pass { color: var(--good); font-weight: 600; }
.mark-fail { color: var(--bad); font-weight: 700; }
.abort { margin: 4px 0 0; color: var(--bad); }
ol.objectives { list-style: none; margin: 8px 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 380px), 1fr)); gap: 8px; }
li.objective { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 0; }
li.objective.separated { border-color: var(--good); }
li.objective p { margin: 0; overflow-wrap: anywhere; }
.obj-title { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
.obj-best .obj-value { font-size: 1.1em; white-space: nowrap; }
.obj-vs { font-size: 0.9em; }
.obj-why { font-size: 0.85em; }
.obj-why .note { font-size: 1em; }
.sep { font-size: 0.85em; white-space: nowrap; }
.sep-yes { color: var(--good); font-weight: 600; }
.sep-no { color: var(--muted); }
.pareto-line, .client-line { margin: 4px 0; }
.warn-text { color: var(--warn); }
`;

export function renderVerdictSection(summary: RunSummary, objectives: readonly ObjectiveResult[], pareto: ParetoResult): string {
  return section('verdict', 'Verdict', `${renderChecks(summary)}${renderObjectives(objectives)}${renderPareto(summary, pareto)}${clientOverheadHtml(summary)}`);
}
