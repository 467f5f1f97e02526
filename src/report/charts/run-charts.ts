/**
 * Every chart of report.html for one run, rendered to inline SVG. Each chart kind lives in its own
 * module (data + spec); this one picks the charts that apply to the run. A chart that applies but
 * has nothing to draw (no errors, no ok request) says so in words instead of drawing empty axes;
 * one that does not apply (a sweep chart on a single load point) is left out.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../../metrics/types.js';
import { escapeHtml, type RenderedChart } from '../html-kit.js';
import { costChartData, costChartSpec } from './cost-chart.js';
import { distributionChartData, distributionChartSpec } from './distribution-chart.js';
import { errorRateChartData, errorRateChartSpec } from './error-rate-chart.js';
import { loadAxisTitle, loadChartData, loadChartSpec } from './load-chart.js';
import { quotaChartData, quotaChartSpec } from './quota-chart.js';
import { throughputChartData, throughputChartSpec } from './throughput-chart.js';
import { tokensChartData, tokensChartSpec } from './tokens-chart.js';
import { renderVegaLiteSvg } from './vega-svg.js';
import { provenanceTag } from '../provenance.js';
import { stageRateData, stageRateSpec } from './stage-rate-chart.js';
import { sweepChartSpec } from './sweep-chart.js';
import { KNEE_DEFINITION, kneeSentences, sweepSeries } from './sweep-data.js';

interface PlannedChart {
  id: string;
  title: string;
  /** What to draw; absent when the chart has no data, and `emptyText` says so instead. */
  spec?: TopLevelSpec;
  emptyText?: string;
  noteHtml?: string;
}

function approximatedNote(labels: readonly string[]): string | undefined {
  if (labels.length === 0) return undefined;
  return `Drawn from the summary's percentiles (no histogram stored) for: ${labels.map(escapeHtml).join(', ')}.`;
}

/** True when every value is zero (a bar chart of it would be one axis and nothing on it). */
function allZero(values: readonly number[]): boolean {
  return values.every((value) => value === 0);
}

/** A chart, or its words when it has nothing to draw. */
function chartOr(id: string, title: string, spec: TopLevelSpec | undefined, emptyText: string, noteHtml?: string): PlannedChart {
  if (spec === undefined) return { id, title, emptyText };
  return { id, title, spec, ...(noteHtml !== undefined ? { noteHtml } : {}) };
}

/** The charts a run summary calls for, as specs or the words that replace them (no rendering). */
export function planRunCharts(summary: RunSummary): PlannedChart[] {
  const cells = summary.cells;
  if (cells.length === 0) return [];
  const charts: PlannedChart[] = [];
  // Every title says when the figures are simulated, merged, a shard, resumed or rebuilt.
  const tag = provenanceTag(summary);
  const simulated = `${summary.run.simulated ? ' (SIMULATED)' : ''}${tag !== 'single' ? ` [${tag}]` : ''}`;

  for (const [metric, name] of [
    ['latency', 'Latency'],
    ['ttft', 'Time to first token'],
  ] as const) {
    const data = distributionChartData(cells, metric);
    const empty =
      metric === 'latency'
        ? 'No ok request in this run: there is no latency to draw.'
        : summary.run.stream
          ? 'No ok streamed request in this run: there is no time to first token to draw.'
          : 'The run did not stream (--no-stream), so no first token was timed.';
    charts.push(
      chartOr(
        `${metric}-cdf`,
        `${name} distribution per cell, ok requests${simulated}`,
        data.points.length > 0 ? distributionChartSpec(data.points, `${metric === 'ttft' ? 'TTFT' : 'latency'} (ms)`) : undefined,
        empty,
        approximatedNote(data.approximated),
      ),
    );
  }

  const throughput = throughputChartData(cells);
  charts.push(
    chartOr(
      'throughput',
      `Throughput per cell${simulated}`,
      throughput.length > 0 && !allZero(throughput.map((d) => d.value)) ? throughputChartSpec(throughput) : undefined,
      'No request completed ok: throughput is 0 in every cell.',
    ),
  );
  const errors = errorRateChartData(cells);
  charts.push(
    chartOr(
      'error-rate',
      `Error and throttle rate per cell${simulated}`,
      errors.length > 0 && !allZero(errors.map((d) => d.value)) ? errorRateChartSpec(errors) : undefined,
      errors.length > 0 ? 'No errors and no throttled requests in this run.' : 'No request concluded: there is no error rate to draw.',
      'Error rate = (failed + timeout) ÷ concluded requests; throttled requests are counted apart.',
    ),
  );
  const tokens = tokensChartData(cells);
  charts.push(
    chartOr(
      'tokens',
      `Tokens per ok request${simulated}`,
      tokens.length > 0 && !allZero(tokens.map((d) => d.value)) ? tokensChartSpec(tokens) : undefined,
      'No tokens counted: no request completed ok.',
    ),
  );
  const cost = costChartData(cells);
  if (cost.bars.length > 0 || cost.unknown.length > 0) {
    const note = cost.unknown.length > 0 ? `Cost unknown for: ${cost.unknown.map(escapeHtml).join(', ')}.` : undefined;
    const empty =
      cost.bars.length === 0
        ? `Cost unknown for every cell (no price for their models): nothing to draw.`
        : 'Every priced cell cost ¥0 (free models, or no tokens used).';
    charts.push(
      chartOr(
        'cost',
        `Cost per cell${simulated}`,
        cost.bars.length > 0 && !allZero(cost.bars.map((b) => b.value)) ? costChartSpec(cost.bars) : undefined,
        empty,
        note,
      ),
    );
  }
  charts.push(...sweepCharts(summary, simulated));
  for (const load of loadChartData(cells)) {
    charts.push(
      chartOr(
        `load-${load.kind}`,
        `Latency against load: p50 and p99 by ${loadAxisTitle(load.kind)}${simulated}`,
        load.points.length > 0 ? loadChartSpec(load) : undefined,
        'No ok request at any load point: there is no latency to draw.',
      ),
    );
  }
  const quotas = quotaChartData(summary.stages ?? []);
  for (const [index, quota] of quotas.entries()) {
    charts.push({
      id: `quota-${index + 1}`,
      title: `Quota use over time: ${quota.title}${simulated}`,
      spec: quotaChartSpec(quota),
      noteHtml:
        'Requests the adaptive limiter started, against a full window of the stated limit plus its refill at limit ÷ window (a fixed window: ' +
        'a window more at each reset), and the attempts the server refused as over quota.',
    });
  }
  if (quotas.length === 0 && (summary.stages ?? []).some((stage) => Object.keys(stage.limiters ?? {}).length > 0)) {
    charts.push({ id: 'quota', title: `Quota use over time${simulated}`, emptyText: 'The adaptive limiter recorded no request against its quota.' });
  }
  return charts;
}

/** Sweeps: throughput against latency and TTFT with the knee, and offered / completed / goodput per stage. */
function sweepCharts(summary: RunSummary, suffix: string): PlannedChart[] {
  const charts: PlannedChart[] = [];
  const series = sweepSeries(summary.cells);
  if (series.length > 0) {
    const knees = kneeSentences(series).map(escapeHtml).join(' ');
    const note = `${escapeHtml(KNEE_DEFINITION)} ${knees} An axis whose values span more than 10× is logarithmic.`;
    charts.push(
      chartOr(
        'sweep-latency',
        `Throughput against latency, p50 and p95, one point per load${suffix}`,
        series.some((s) => s.points.some((p) => p.latencyP50 !== undefined)) ? sweepChartSpec(series, 'latency') : undefined,
        'No ok request at any load point: there is no latency to draw.',
        note,
      ),
    );
    const hasTtft = series.some((s) => s.points.some((p) => p.ttftP50 !== undefined));
    if (hasTtft || summary.run.stream) {
      charts.push(
        chartOr(
          'sweep-ttft',
          `Throughput against time to first token, p50 and p95, one point per load${suffix}`,
          hasTtft ? sweepChartSpec(series, 'ttft') : undefined,
          'No ok streamed request at any load point: there is no time to first token to draw.',
          note,
        ),
      );
    }
  }
  const rates = stageRateData(summary);
  if (rates !== undefined) {
    const open = rates.points.some((p) => p.series === 'offered');
    const slo = rates.slo
      ? ` Goodput: requests per second that met every per-request bound of --slo ${escapeHtml(summary.slo?.text ?? '')}` +
        `${rates.highestMeeting === undefined ? '; no load point met the SLO.' : '; the green rule marks the highest load that met it.'}`
      : '';
    charts.push({
      id: 'stage-rates',
      title: `${open ? 'Offered against achieved rate' : 'Completed rate'} per stage${suffix}`,
      spec: stageRateSpec(rates),
      noteHtml:
        (open ? 'Offered: the rate the schedule asked for; an endpoint that keeps up completes on that line. ' : '') +
        `Completed: answers per second of the stage window.${slo}`,
    });
  }
  return charts;
}

/** Markup that stands where a chart with no data would be: the words, no axes. */
export function emptyChartHtml(text: string): string {
  return `<p class="note chart-empty">${escapeHtml(text)}</p>`;
}

/** Every chart of a run report, rendered. */
export async function renderRunCharts(summary: RunSummary): Promise<RenderedChart[]> {
  const planned = planRunCharts(summary);
  const rendered: RenderedChart[] = [];
  for (const chart of planned) {
    const svg = chart.spec !== undefined ? await renderVegaLiteSvg(chart.spec, chart.title) : emptyChartHtml(chart.emptyText ?? 'No data to draw.');
    rendered.push({ id: chart.id, title: chart.title, svg, ...(chart.noteHtml !== undefined ? { noteHtml: chart.noteHtml } : {}) });
  }
  return rendered;
}
