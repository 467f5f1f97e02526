/**
 * Every chart of report.html for one run, rendered to inline SVG. Each chart kind lives in its own
 * module (data + spec); this one only picks the charts the summary has data for.
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

interface PlannedChart {
  id: string;
  title: string;
  spec: TopLevelSpec;
  noteHtml?: string;
}

function approximatedNote(labels: readonly string[]): string | undefined {
  if (labels.length === 0) return undefined;
  return `Drawn from the summary's percentiles (no histogram stored) for: ${labels.map(escapeHtml).join(', ')}.`;
}

/** The charts a run summary has data for, as specs (no rendering). */
export function planRunCharts(summary: RunSummary): PlannedChart[] {
  const cells = summary.cells;
  const charts: PlannedChart[] = [];
  const simulated = summary.run.simulated ? ' (SIMULATED)' : '';

  for (const [metric, name] of [
    ['latency', 'Latency'],
    ['ttft', 'Time to first token'],
  ] as const) {
    const data = distributionChartData(cells, metric);
    if (data.points.length === 0) continue;
    const note = approximatedNote(data.approximated);
    charts.push({
      id: `${metric}-cdf`,
      title: `${name} distribution per cell, ok requests${simulated}`,
      spec: distributionChartSpec(data.points, `${metric === 'ttft' ? 'TTFT' : 'latency'} (ms)`),
      ...(note !== undefined ? { noteHtml: note } : {}),
    });
  }

  const throughput = throughputChartData(cells);
  if (throughput.length > 0) {
    charts.push({ id: 'throughput', title: `Throughput per cell${simulated}`, spec: throughputChartSpec(throughput) });
  }
  const errors = errorRateChartData(cells);
  if (errors.length > 0) {
    charts.push({
      id: 'error-rate',
      title: `Error and throttle rate per cell${simulated}`,
      spec: errorRateChartSpec(errors),
      noteHtml: 'Error rate = (failed + timeout) ÷ concluded requests; throttled requests are counted apart.',
    });
  }
  const tokens = tokensChartData(cells);
  if (tokens.length > 0) {
    charts.push({ id: 'tokens', title: `Tokens per ok request${simulated}`, spec: tokensChartSpec(tokens) });
  }
  const cost = costChartData(cells);
  if (cost.bars.length > 0 || cost.unknown.length > 0) {
    const note = cost.unknown.length > 0 ? `Cost unknown for: ${cost.unknown.map(escapeHtml).join(', ')}.` : undefined;
    if (cost.bars.length > 0) {
      charts.push({ id: 'cost', title: `Cost per cell${simulated}`, spec: costChartSpec(cost.bars), ...(note !== undefined ? { noteHtml: note } : {}) });
    }
  }
  for (const load of loadChartData(cells)) {
    if (load.points.length === 0) continue;
    charts.push({
      id: `load-${load.kind}`,
      title: `Latency against load: p50 and p99 by ${loadAxisTitle(load.kind)}${simulated}`,
      spec: loadChartSpec(load),
    });
  }
  for (const [index, quota] of quotaChartData(summary.stages ?? []).entries()) {
    charts.push({
      id: `quota-${index + 1}`,
      title: `Quota use over time: ${quota.title}${simulated}`,
      spec: quotaChartSpec(quota),
      noteHtml:
        'Requests the adaptive limiter started, against a full window of the stated limit plus its refill at limit ÷ window (a fixed window: ' +
        'a window more at each reset), and the attempts the server refused as over quota.',
    });
  }
  return charts;
}

/** Every chart of a run report, rendered. */
export async function renderRunCharts(summary: RunSummary): Promise<RenderedChart[]> {
  const planned = planRunCharts(summary);
  const rendered: RenderedChart[] = [];
  for (const chart of planned) {
    const svg = await renderVegaLiteSvg(chart.spec, chart.title);
    rendered.push({ id: chart.id, title: chart.title, svg, ...(chart.noteHtml !== undefined ? { noteHtml: chart.noteHtml } : {}) });
  }
  return rendered;
}
