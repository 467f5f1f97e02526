/**
 * The "SLO and capacity" section of report.html: each stage's attainment of --slo and the highest
 * load that met it, and for --find-capacity each stage of the search with the answer and its
 * uncertainty (the interval between the highest load that met the SLO and the lowest that failed).
 * Left out when the run had no --slo.
 */
import type { CapacitySummary, SloSummary } from '../metrics/goodput-schema.js';
import type { CellLoad, RunSummary } from '../metrics/types.js';
import { countText, DASH, definitionList, escapeHtml, percentText, renderTable, section } from './html-kit.js';

function loadHtml(load: CellLoad): string {
  return load.kind === 'rate' ? `${escapeHtml(load.value)} req/s` : `concurrency ${escapeHtml(load.value)}`;
}

function verdictHtml(meets: boolean): string {
  return meets ? '✓ met' : '✗ not met';
}

function renderSloStages(slo: SloSummary, simulated: boolean): string {
  return renderTable(
    slo.stages,
    [
      { header: 'Load', html: (s) => loadHtml(s.load) },
      { header: 'Attainment', html: (s) => percentText(s.attainment), numeric: true, title: 'Share of concluded requests within every per-request bound' },
      { header: 'Met', html: (s) => countText(s.met), numeric: true },
      { header: 'Concluded', html: (s) => countText(s.concluded), numeric: true },
      { header: 'Error rate', html: (s) => percentText(s.errorRate), numeric: true },
      { header: 'Throttled rate', html: (s) => percentText(s.throttledRate), numeric: true },
      { header: 'SLO', html: (s) => verdictHtml(s.meets) },
    ],
    { caption: `Attainment of the SLO per stage (target ${percentText(slo.attainmentTarget, 0)})`, simulated },
  );
}

function answerHtml(capacity: CapacitySummary): string {
  const unit = capacity.searched === 'rate' ? ' req/s' : ' in flight';
  const answer = capacity.answer;
  if (answer === null) return 'none: no load tried met the SLO';
  if (answer.high === null) return `at least ${escapeHtml(answer.value)}${unit} (no load tried failed)`;
  const width = Number((answer.high - answer.low).toPrecision(3));
  return `${escapeHtml(answer.value)}${unit}: met at ${escapeHtml(answer.low)}, failed at ${escapeHtml(answer.high)} (uncertainty ${escapeHtml(width)})`;
}

function limitHtml(limit: CapacitySummary['limitedBy']): string {
  if (limit !== 'client') return escapeHtml(limit);
  return 'client: it could not send the rate offered (raise -c, the cap on requests in flight, or run on a faster machine)';
}

function sentHtml(stage: CapacitySummary['stages'][number]): string {
  if (stage.judged === false) return 'stopped: not judged';
  if (stage.clientBound === true)
    return `client-bound${stage.dispatchedRatePerSec !== undefined ? `: sent ${escapeHtml(stage.dispatchedRatePerSec)} req/s` : ''}`;
  return DASH;
}

function renderCapacity(capacity: CapacitySummary, simulated: boolean): string {
  const facts = definitionList([
    ['Capacity', answerHtml(capacity)],
    ['Limited by', limitHtml(capacity.limitedBy)],
    ['Conclusion', escapeHtml(capacity.conclusion)],
    ['Searched', escapeHtml(`${capacity.searched}, from ${capacity.start}, precision ${capacity.precision * 100}%`)],
    [
      'Requests per stage',
      capacity.stageRequests === undefined
        ? 'bounded by --duration'
        : `${countText(capacity.stageRequests)}${capacity.searched === 'concurrency' ? ', and at least two per request in flight' : ''}`,
    ],
  ]);
  const rows = capacity.stages.map((stage, index) => ({ ...stage, order: index + 1 }));
  const table = renderTable(
    rows,
    [
      { header: '#', html: (s) => countText(s.order), numeric: true },
      { header: 'Load', html: (s) => loadHtml(s.load) },
      { header: 'Attainment', html: (s) => percentText(s.attainment), numeric: true },
      { header: 'SLO', html: (s) => verdictHtml(s.meets) },
      { header: 'Stopped early', html: (s) => (s.stoppedEarly ? 'yes: it could no longer meet the SLO' : DASH) },
      {
        header: 'Quota',
        html: (s) => (s.quotaBound ? 'held it back' : DASH),
        title: 'Throttled requests, or the adaptive limiter cut the stage or ran out of credit',
      },
      {
        header: 'Client',
        html: sentHtml,
        title: 'The client sent under 90% of the rate offered (the -c cap or the machine), or the run was stopped in the stage',
      },
    ],
    { caption: 'Capacity search: the stages in the order run', simulated },
  );
  return `<h3>Capacity</h3>\n${facts}\n${table}`;
}

/** The section, or '' without an SLO. */
export function renderCapacitySection(summary: RunSummary): string {
  const slo = summary.slo;
  if (slo === undefined) return '';
  const simulated = summary.run.simulated;
  const highest = slo.highestMeeting !== undefined ? loadHtml(slo.highestMeeting) : 'none';
  const parts = [
    definitionList([
      ['SLO', escapeHtml(slo.text)],
      ['Highest load that met it', highest],
    ]),
    renderSloStages(slo, simulated),
    summary.capacity !== undefined ? renderCapacity(summary.capacity, simulated) : '',
  ];
  return section('slo', 'SLO and capacity', parts.filter((part) => part !== '').join('\n'));
}
