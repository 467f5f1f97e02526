/**
 * The "Load" section of report.html: the load settings, and for each stage the offered,
 * dispatched and completed rates side by side with how far the run fell behind its schedule and
 * what the adaptive limiter saw of the quota. Both fields are optional in a summary (older runs
 * have neither), so they are read defensively and the section is left out when absent.
 */
import type { RunSummary } from '../metrics/types.js';
import { fixed, isFiniteNumber } from './format.js';
import { countText, DASH, definitionList, escapeHtml, renderTable, section } from './html-kit.js';

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, digits: number): string {
  return isFiniteNumber(value) ? fixed(value, digits) : DASH;
}

function listText(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => escapeHtml(String(v))).join(', ');
  if (value === undefined || value === null) return DASH;
  return escapeHtml(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function loadText(load: unknown): string {
  if (!isObject(load)) return DASH;
  const value = load['value'];
  return load['kind'] === 'rate' ? `${escapeHtml(value)} req/s` : `concurrency ${escapeHtml(value)}`;
}

function limitersText(limiters: unknown): string {
  if (!isObject(limiters)) return DASH;
  const parts = Object.entries(limiters).map(([key, raw]) => {
    if (!isObject(raw)) return escapeHtml(key);
    const facts = [
      isFiniteNumber(raw['throttled']) ? `throttled ${raw['throttled']}` : undefined,
      isFiniteNumber(raw['concurrency']) ? `concurrency ${raw['concurrency']}` : undefined,
      isFiniteNumber(raw['requestBudget']) ? `request budget ${raw['requestBudget']}` : undefined,
      isFiniteNumber(raw['tokenBudget']) ? `token budget ${raw['tokenBudget']}` : undefined,
    ].filter((f): f is string => f !== undefined);
    return `${escapeHtml(key)}: ${escapeHtml(facts.join(', ') || DASH)}`;
  });
  return parts.length > 0 ? parts.join('<br>') : DASH;
}

function renderSettings(load: Loose): string {
  const items: Array<[string, string]> = [
    ['Loop', load['kind'] === 'open' ? 'open (arrival rate)' : load['kind'] === 'closed' ? 'closed (concurrency)' : listText(load['kind'])],
    ['Concurrency', listText(load['concurrency'])],
  ];
  if (load['rate'] !== undefined) items.push(['Rate (req/s)', listText(load['rate'])]);
  if (load['arrival'] !== undefined) items.push(['Arrivals', listText(load['arrival'])]);
  if (load['durationS'] !== undefined) items.push(['Duration per stage (s)', listText(load['durationS'])]);
  if (load['maxRequests'] !== undefined) items.push(['Max requests', listText(load['maxRequests'])]);
  if (load['adapt'] !== undefined) items.push(['Adaptive limiter', load['adapt'] === true ? 'on' : 'off']);
  if (load['rpm'] !== undefined) items.push(['RPM quota', listText(load['rpm'])]);
  if (load['tpm'] !== undefined) items.push(['TPM quota', listText(load['tpm'])]);
  if (load['retries'] !== undefined) items.push(['Retries', listText(load['retries'])]);
  return definitionList(items);
}

function renderStages(stages: readonly Loose[], simulated: boolean): string {
  const behind = stages.some((s) => isFiniteNumber(s['late']) && s['late'] > 0);
  const table = renderTable(
    stages,
    [
      { header: 'Load', html: (s) => loadText(s['load']) },
      { header: 'Planned', html: (s) => countText(s['planned'] as number), numeric: true },
      { header: 'Started', html: (s) => countText(s['started'] as number), numeric: true },
      { header: 'Completed', html: (s) => countText(s['completed'] as number), numeric: true },
      { header: 'Window s', html: (s) => (isFiniteNumber(s['windowMs']) ? (s['windowMs'] / 1000).toFixed(1) : DASH), numeric: true },
      { header: 'Offered /s', html: (s) => num(s['offeredRatePerSec'], 2), numeric: true },
      { header: 'Dispatched /s', html: (s) => num(s['dispatchedRatePerSec'], 2), numeric: true },
      { header: 'Completed /s', html: (s) => num(s['completedRatePerSec'], 2), numeric: true },
      { header: 'Late', html: (s) => countText(s['late'] as number), numeric: true },
      { header: 'Max lag ms', html: (s) => num(s['maxLagMs'], 1), numeric: true },
      { header: 'Quota seen (limiter)', html: (s) => limitersText(s['limiters']) },
    ],
    { caption: 'Stages: offered, dispatched and completed rates', simulated },
  );
  const note = behind ? '<p class="notice"><strong>Behind schedule</strong> — some requests started late: the client or the quota could not keep up with the offered rate.</p>' : '';
  return note + table;
}

/** The section, or '' when the summary has neither load settings nor stages. */
export function renderLoadSection(summary: RunSummary): string {
  const loose = summary as unknown as Loose;
  const load = loose['load'];
  const stages = Array.isArray(loose['stages']) ? (loose['stages'] as unknown[]).filter(isObject) : [];
  if (!isObject(load) && stages.length === 0) return '';
  const parts = [isObject(load) ? renderSettings(load) : '', stages.length > 0 ? renderStages(stages, summary.run?.simulated === true) : ''];
  return section('load', 'Load', parts.filter((p) => p !== '').join('\n'));
}
