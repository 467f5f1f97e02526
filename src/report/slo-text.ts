/**
 * The lines the console prints under the table for `--slo` and `--find-capacity`: goodput and
 * attainment per stage, the highest load that met the SLO, and the capacity search's answer.
 */
import type { CapacitySummary, SloSummary } from '../metrics/goodput-schema.js';
import type { CellLoad, RunSummary } from '../metrics/types.js';

export function loadText(load: CellLoad): string {
  return load.kind === 'rate' ? `${load.value}/s` : `c=${load.value}`;
}

function percent(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}

const MAX_GOODPUT_CELLS = 6;

/** `goodput 12.3/s` per cell, and one attainment per stage. */
export function sloLines(summary: Pick<RunSummary, 'cells' | 'slo' | 'capacity'>): string[] {
  const slo: SloSummary | undefined = summary.slo;
  if (slo === undefined) return [];
  const lines: string[] = [];
  const target = `${(slo.attainmentTarget * 100).toFixed(0)}% of requests`;
  const goodput = summary.cells
    .filter((cell) => cell.goodput !== undefined)
    .map((cell) => `${cell.label} ${cell.goodput?.perSec ?? 0}/s (${percent(cell.goodput?.attainment ?? null)} met)`);
  // Many cells (a long sweep) make an unreadable line: summary.csv and the report have them all.
  lines.push(`SLO ${slo.text} for ${target}; ${goodput.length <= MAX_GOODPUT_CELLS ? `goodput: ${goodput.join(', ')}` : 'goodput per cell in summary.csv'}`);
  if (slo.stages.length > 1) {
    const stages = slo.stages.map((stage) => `${loadText(stage.load)} ${percent(stage.attainment)} ${stage.meets ? '✓' : '✗'}`);
    lines.push(`SLO per stage: ${stages.join(', ')}; highest load meeting it: ${slo.highestMeeting !== undefined ? loadText(slo.highestMeeting) : 'none'}`);
  } else {
    const only = slo.stages[0];
    if (only !== undefined) lines.push(`SLO ${only.meets ? '✓ met' : '✗ not met'}: ${percent(only.attainment)} of requests met it`);
  }
  if (summary.capacity !== undefined) lines.push(capacityLine(summary.capacity));
  return lines;
}

export function capacityLine(capacity: CapacitySummary): string {
  return `capacity: ${capacity.conclusion} (limited by ${capacity.limitedBy}; ${capacity.stages.length} stages)`;
}

/** The console table with the SLO lines under it. */
export function withSloLines(table: string, summary: Pick<RunSummary, 'cells' | 'slo' | 'capacity'>): string {
  const lines = sloLines(summary);
  return lines.length > 0 ? `${table}\n${lines.join('\n')}` : table;
}
