/**
 * The "Load" section of report.html: the load settings, and for each stage the offered,
 * dispatched and completed rates side by side with how far the run fell behind its schedule and
 * what the adaptive limiter saw of the quota. Both fields are optional in the summary schema
 * (older runs have neither), and the section is left out when both are absent.
 */
import type { CellLoad, LimiterSummary, LoadSettings, RunSummary, StageSummary } from '../metrics/types.js';
import { fixed } from './format.js';
import { countText, DASH, definitionList, escapeHtml, renderTable, section } from './html-kit.js';
import { KNEE_DEFINITION, kneeSentences, sweepSeries } from './charts/sweep-data.js';

function num(value: number | undefined, digits: number): string {
  return fixed(value, digits, DASH);
}

function listText(value: number | readonly number[]): string {
  return escapeHtml(Array.isArray(value) ? value.join(', ') : String(value));
}

function loadText(load: CellLoad): string {
  return load.kind === 'rate' ? `${escapeHtml(load.value)} req/s` : `concurrency ${escapeHtml(load.value)}`;
}

function limitersText(limiters: Record<string, LimiterSummary> | undefined): string {
  if (limiters === undefined) return DASH;
  const parts = Object.entries(limiters).map(([key, limiter]) => {
    const facts = [
      `throttled ${limiter.throttled}`,
      `concurrency ${limiter.concurrency}`,
      limiter.requestBudget !== undefined ? `request budget ${limiter.requestBudget}` : undefined,
      limiter.tokenBudget !== undefined ? `token budget ${limiter.tokenBudget}` : undefined,
    ].filter((f): f is string => f !== undefined);
    return `${escapeHtml(key)}: ${escapeHtml(facts.join(', '))}`;
  });
  return parts.length > 0 ? parts.join('<br>') : DASH;
}

function renderSettings(load: LoadSettings): string {
  const items: Array<[string, string]> = [
    ['Loop', load.trace !== undefined ? 'open (trace replay)' : load.kind === 'open' ? 'open (arrival rate)' : 'closed (concurrency)'],
    ['Concurrency', listText(load.concurrency)],
  ];
  const trace = load.trace;
  if (trace !== undefined) {
    const facts = [
      `${trace.format}, ${trace.arrivals} arrivals over ${(trace.spanMs / 1000).toFixed(1)} s`,
      `speed x${trace.speed}`,
      `prompts: ${trace.prompts}`,
    ];
    if (trace.clippedOutputs !== undefined) facts.push(`${trace.clippedOutputs} output lengths clipped`);
    items.push(['Trace', `${escapeHtml(trace.file)} (${escapeHtml(facts.join('; '))})`]);
  }
  if (load.rate !== undefined) items.push(['Rate (req/s)', listText(load.rate)]);
  if (load.arrival !== undefined) items.push(['Arrivals', escapeHtml(load.arrival)]);
  if (load.durationS !== undefined) items.push(['Duration per stage (s)', listText(load.durationS)]);
  if (load.maxRequests !== undefined) items.push(['Max requests', listText(load.maxRequests)]);
  items.push(['Adaptive limiter', load.adapt ? 'on' : 'off']);
  if (load.rpm !== undefined) items.push(['RPM quota', listText(load.rpm)]);
  if (load.tpm !== undefined) items.push(['TPM quota', listText(load.tpm)]);
  items.push(['Retries', listText(load.retries)]);
  return definitionList(items);
}

function renderStages(stages: readonly StageSummary[], simulated: boolean): string {
  const behind = stages.some((s) => (s.late ?? 0) > 0);
  const table = renderTable(
    stages,
    [
      { header: 'Load', html: (s) => loadText(s.load) },
      { header: 'Planned', html: (s) => countText(s.planned), numeric: true },
      { header: 'Started', html: (s) => countText(s.started), numeric: true },
      { header: 'Completed', html: (s) => countText(s.completed), numeric: true },
      { header: 'Window s', html: (s) => (s.windowMs / 1000).toFixed(1), numeric: true },
      { header: 'Offered /s', html: (s) => num(s.offeredRatePerSec, 2), numeric: true },
      { header: 'Dispatched /s', html: (s) => num(s.dispatchedRatePerSec, 2), numeric: true },
      { header: 'Completed /s', html: (s) => num(s.completedRatePerSec, 2), numeric: true },
      { header: 'Late', html: (s) => countText(s.late), numeric: true },
      { header: 'Max lag ms', html: (s) => num(s.maxLagMs, 1), numeric: true },
      { header: 'Quota seen (limiter)', html: (s) => limitersText(s.limiters) },
    ],
    { caption: 'Stages: offered, dispatched and completed rates', simulated },
  );
  const note = behind
    ? '<p class="notice"><strong>Behind schedule</strong> — some requests started late: the client or the quota could not keep up with the offered rate.</p>'
    : '';
  return note + table;
}

/** Where each model's throughput stopped paying for more load, in words (the sweep charts ring the same point). */
function renderKnees(summary: RunSummary): string {
  const series = sweepSeries(summary.cells);
  if (series.length === 0) return '';
  const items = kneeSentences(series).map((sentence) => `<li>${escapeHtml(sentence)}</li>`);
  return `<p><strong>Knee of the sweep</strong></p><ul class="knees">${items.join('')}</ul><p class="note">${escapeHtml(KNEE_DEFINITION)}</p>`;
}

/** The section, or '' when the summary has neither load settings nor stages. */
export function renderLoadSection(summary: RunSummary): string {
  const stages = summary.stages ?? [];
  if (summary.load === undefined && stages.length === 0) return '';
  const parts = [
    summary.load !== undefined ? renderSettings(summary.load) : '',
    stages.length > 0 ? renderStages(stages, summary.run.simulated) : '',
    renderKnees(summary),
  ];
  return section('load', 'Load', parts.filter((p) => p !== '').join('\n'));
}
