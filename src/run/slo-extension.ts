/**
 * `--slo` rides along the run as an extension: it counts each finished request against the SLO per
 * cell, writes goodput into each cell and the attainment of each stage into summary.slo, and, for
 * a capacity search, stops a stage as soon as it can no longer meet the SLO.
 */
import type { RunConfig } from '../config/run-config.js';
import { sloOf, type Slo } from '../config/slo-expression.js';
import { configError } from '../errors.js';
import type { CapacitySummary, SloSummary } from '../metrics/goodput-schema.js';
import { addToTally, attainmentOf, clearlyFails, emptyTally, sumTallies, tallyMeets, type SloTally } from '../metrics/goodput.js';
import type { CellLoad, CellSummary, RunSummary } from '../metrics/types.js';
import { round3 } from '../util/round.js';
import type { RunExtension } from './extensions.js';

export interface SloExtension extends RunExtension {
  readonly kind: 'slo';
  readonly slo: Slo;
  readonly target: number;
  /** A capacity stage starts: its requests count apart, and with a known size it stops once it clearly fails. */
  beginStage(planned: number | undefined): void;
  /** The counts of the stage begun last, and whether it was stopped early. */
  stageResult(): { tally: SloTally; stoppedEarly: boolean };
  /** The capacity search so far, written into the summary. */
  setCapacity(capacity: CapacitySummary): void;
}

export function isSloExtension(extension: RunExtension): extension is SloExtension {
  return (extension as Partial<SloExtension>).kind === 'slo';
}

export function createSloExtension(config: RunConfig, resuming: boolean): SloExtension | undefined {
  if (config.slo === undefined) return undefined;
  if (resuming && config.findCapacity)
    throw configError('--resume: a --find-capacity run cannot be resumed (each stage depends on the one before); start it again');
  const slo = sloOf(config.slo);
  const target = config.sloAttainment;
  const cells = new Map<string, SloTally>();
  let stage: { tally: SloTally; planned: number | undefined; stoppedEarly: boolean } | undefined;
  let capacity: CapacitySummary | undefined;
  return {
    kind: 'slo',
    slo,
    target,
    beginStage(planned) {
      stage = { tally: emptyTally(), planned, stoppedEarly: false };
    },
    stageResult() {
      return { tally: stage?.tally ?? emptyTally(), stoppedEarly: stage?.stoppedEarly ?? false };
    },
    setCapacity(summary) {
      capacity = summary;
    },
    stopReason() {
      if (stage?.planned === undefined) return undefined;
      if (!stage.stoppedEarly && !clearlyFails(stage.tally, slo, target, stage.planned)) return undefined;
      stage.stoppedEarly = true;
      const missed = stage.tally.concluded - stage.tally.met;
      return `stage stopped early: it can no longer meet --slo ${slo.text} (${missed} of at most ${stage.planned} requests missed it)`;
    },
    onRequest(finished) {
      const { record } = finished;
      let tally = cells.get(record.cellId);
      if (tally === undefined) cells.set(record.cellId, (tally = emptyTally()));
      addToTally(tally, record, slo);
      if (stage !== undefined) addToTally(stage.tally, record, slo);
    },
    decorateSummary(summary) {
      for (const cell of summary.cells) {
        const tally = cells.get(cell.id) ?? emptyTally();
        const attainment = attainmentOf(tally);
        cell.goodput = {
          met: tally.met,
          perSec: cell.windowMs > 0 ? round3(tally.met / (cell.windowMs / 1000)) : 0,
          attainment: attainment !== null ? round3(attainment) : null,
        };
      }
      summary.slo = sloSummaryOf(summary, cells, slo, target);
      if (capacity !== undefined) summary.capacity = capacity;
    },
  };
}

function loadKey(load: CellLoad | undefined): string {
  return load !== undefined ? `${load.kind}:${load.value}` : '';
}

/** One entry per stage: the cells of a stage share its load. */
function sloSummaryOf(summary: RunSummary, cells: ReadonlyMap<string, SloTally>, slo: Slo, target: number): SloSummary {
  const byLoad = new Map<string, { load: CellLoad; cells: CellSummary[] }>();
  for (const cell of summary.cells) {
    const load = cell.load ?? { kind: 'concurrency', value: summary.run.concurrency };
    const key = loadKey(load);
    const entry = byLoad.get(key) ?? { load, cells: [] };
    entry.cells.push(cell);
    byLoad.set(key, entry);
  }
  const stages: SloSummary['stages'] = [];
  for (const { load, cells: stageCells } of byLoad.values()) {
    const tally = sumTallies(stageCells.map((cell) => cells.get(cell.id) ?? emptyTally()));
    const attainment = attainmentOf(tally);
    stages.push({
      load,
      attainment: attainment !== null ? round3(attainment) : null,
      meets: tallyMeets(tally, slo, target),
      met: tally.met,
      concluded: tally.concluded,
      errorRate: tally.concluded > 0 ? round3(tally.errors / tally.concluded) : null,
      throttledRate: tally.concluded > 0 ? round3(tally.throttled / tally.concluded) : null,
    });
  }
  let highest: CellLoad | undefined;
  for (const stage of stages) if (stage.meets && (highest === undefined || stage.load.value > highest.value)) highest = stage.load;
  return { text: slo.text, attainmentTarget: target, stages, ...(highest !== undefined ? { highestMeeting: highest } : {}) };
}
