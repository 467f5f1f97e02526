/**
 * Where a run's stages come from, one at a time: the planned list of a sweep, or, with
 * --find-capacity, a search that decides each stage from the results of the one before
 * (./capacity-search.ts). The run asks for the next stage after each one ends.
 */
import type { RunConfig } from '../config/run-config.js';
import { expandGrid } from '../config/params.js';
import type { CapacitySummary } from '../metrics/goodput-schema.js';
import { tallyMeets } from '../metrics/goodput.js';
import type { CellSummary, StageSummary } from '../metrics/types.js';
import { capacityAnswer, nextCapacityLoad, type CapacitySearchSettings, type CapacityStage } from './capacity-search.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';
import { isSloExtension, type SloExtension } from './slo-extension.js';
import { planStages, stageLabel, stagePlanLabel, type Stage, type StageRun } from './stages.js';
import { round3 } from '../util/round.js';

/** What a finished stage gives back (runStage's result). */
export interface StageOutcome {
  cells: CellSummary[];
  stage: StageSummary;
  interrupted: boolean;
}

export interface StageSource {
  /** The next stage after `previous` (none for the first), or undefined when the run is over. */
  next(previous?: StageOutcome): Stage | undefined;
  /** Where stage `index`'s cell ids start and the label its cells carry (undefined for a plain run's one stage). */
  label(index: number, prepared: Pick<PreparedRun, 'targets' | 'grid'>): StageRun['label'];
  /** The settings a stage runs with: a capacity stage has its own bound on requests. */
  configOf(stage: Stage, config: RunConfig): RunConfig;
  /** Connections the HTTP agent may open: the most requests any stage puts in flight. */
  connections: number;
}

// The schema's limits of -c and --rate: the search never tries beyond them.
const MAX_CONCURRENCY = 100_000;
const MAX_RATE = 1_000_000;
/** An open-loop stage that sent less than this share of its offered rate was held back by the client. */
const CLIENT_BOUND_SHARE = 0.9;

export function stageSourceOf(config: RunConfig, extensions: readonly RunExtension[]): StageSource {
  const slo = extensions.find(isSloExtension);
  if (config.findCapacity && slo !== undefined) return capacitySource(config, slo);
  const stages = planStages(config);
  let index = 0;
  return {
    next: () => stages[index++],
    label: (at, prepared) => stagePlanLabel(stages, at, prepared),
    configOf: (_stage, given) => given,
    connections: Math.max(...config.concurrency),
  };
}

export function capacitySettingsOf(config: RunConfig): CapacitySearchSettings {
  const searched = config.rate !== undefined ? 'rate' : 'concurrency';
  const start = (searched === 'rate' ? config.rate?.[0] : config.concurrency[0]) ?? 1;
  // A stated quota caps the rate offered: the search never asks for more than --rpm allows.
  const rpmCeiling = config.rpm !== undefined ? config.rpm / 60 : Number.POSITIVE_INFINITY;
  return {
    searched,
    start,
    precision: config.capacityPrecision,
    maxStages: config.capacityStages,
    maxLoad: searched === 'rate' ? Math.min(MAX_RATE, rpmCeiling) : MAX_CONCURRENCY,
  };
}

function capacitySource(config: RunConfig, slo: SloExtension): StageSource {
  const settings = capacitySettingsOf(config);
  const history: CapacityStage[] = [];
  let current: Stage | undefined;
  const stageOf = (value: number): Stage =>
    settings.searched === 'rate'
      ? { load: { kind: 'rate', value }, model: { kind: 'open', rate: value, arrival: config.arrival }, concurrency: config.concurrency[0] ?? 1 }
      : { load: { kind: 'concurrency', value }, model: { kind: 'closed' }, concurrency: value };
  const publish = (): void => {
    const { answer, limitedBy, conclusion } = capacityAnswer(settings, history);
    const summary: CapacitySummary = {
      searched: settings.searched,
      start: settings.start,
      precision: settings.precision,
      ...(config.maxRequests !== undefined ? { stageRequests: config.maxRequests } : {}),
      stages: history.map(({ load, attainment, meets, stoppedEarly, quotaBound, clientBound, dispatchedRatePerSec, judged }) => ({
        load: { kind: settings.searched, value: load },
        attainment,
        meets,
        stoppedEarly,
        quotaBound,
        ...(clientBound !== undefined ? { clientBound } : {}),
        ...(dispatchedRatePerSec !== undefined ? { dispatchedRatePerSec } : {}),
        ...(judged !== undefined ? { judged } : {}),
      })),
      answer,
      limitedBy,
      conclusion,
    };
    slo.setCapacity(summary);
  };
  return {
    next(previous) {
      if (previous !== undefined && current !== undefined) {
        history.push(judgedStage(current, previous, slo, config));
        publish();
        // A stopped run, or a stage that could send nothing, ends the search.
        if (previous.interrupted || previous.stage.started === 0) return undefined;
      }
      const load = nextCapacityLoad(settings, history);
      if (load === undefined) return (current = undefined);
      current = stageOf(load);
      slo.beginStage(stageRequests(current, config));
      return current;
    },
    label: (index, prepared) => {
      const stage = current;
      if (stage === undefined) return undefined;
      return { cellIdOffset: index * prepared.targets.length * expandGrid(prepared.grid).length, label: stageLabel(stage.load) };
    },
    configOf: (stage, given) => {
      const maxRequests = stageRequests(stage, given);
      return maxRequests !== undefined ? { ...given, maxRequests } : given;
    },
    connections: settings.searched === 'rate' ? (config.concurrency[0] ?? 1) : Math.min(MAX_CONCURRENCY, settings.start * 2 ** settings.maxStages),
  };
}

/**
 * Requests a capacity stage sends: --max-requests, and in a closed loop at least two per slot, so
 * every stage reaches the concurrency it is named after. Undefined when only --duration bounds it.
 */
export function stageRequests(stage: Stage, config: Pick<RunConfig, 'maxRequests'>): number | undefined {
  if (config.maxRequests === undefined) return undefined;
  return stage.model.kind === 'closed' ? Math.max(config.maxRequests, 2 * stage.concurrency) : config.maxRequests;
}

/** What a capacity stage found: its attainment, and whether the quota or the client rather than the endpoint held it back. */
function judgedStage(stage: Stage, outcome: StageOutcome, slo: SloExtension, config: RunConfig): CapacityStage {
  const { tally, stoppedEarly } = slo.stageResult();
  const limits = stageLimits(stage, outcome, config, tally.throttled);
  const attainment = tally.concluded > 0 ? round3(tally.met / tally.concluded) : null;
  // A stopped stage sent only part of its load: its figures are kept but judge nothing.
  if (outcome.interrupted) return { load: stage.load.value, attainment, meets: false, stoppedEarly, ...limits, judged: false };
  return { load: stage.load.value, attainment, meets: !limits.clientBound && tallyMeets(tally, slo.slo, slo.target), stoppedEarly, ...limits };
}

/**
 * Whether the quota or the client, not the endpoint, held a stage back. The quota: throttled requests,
 * the limiter cutting concurrency or running out of credit, or an open loop offering more than it allows
 * (a short stage's rate against a per-minute quota is no evidence by itself: it may burst above rpm/60).
 * The client: an open loop that sent well under the rate offered (the -c cap or the machine).
 */
export function stageLimits(
  stage: Stage,
  outcome: Pick<StageOutcome, 'stage'>,
  config: Pick<RunConfig, 'rpm'>,
  throttled: number,
): Pick<CapacityStage, 'quotaBound' | 'quotaRatePerSec' | 'clientBound' | 'dispatchedRatePerSec'> & { clientBound: boolean } {
  const limiters = Object.values(outcome.stage.limiters ?? {});
  let quotaRatePerSec: number | undefined;
  for (const limiter of limiters) {
    const timeline = limiter.timeline;
    if (timeline?.limitRequests !== undefined && timeline.limitRequests > 0)
      quotaRatePerSec = Math.min(quotaRatePerSec ?? Number.POSITIVE_INFINITY, timeline.limitRequests / timeline.windowSeconds);
  }
  const quotaBound =
    throttled > 0 ||
    limiters.some((limiter) => limiter.throttled > 0 || (stage.model.kind === 'closed' && limiter.concurrency < stage.concurrency)) ||
    (stage.model.kind === 'open' && quotaRatePerSec !== undefined && stage.load.value > quotaRatePerSec) ||
    (config.rpm !== undefined && stage.model.kind === 'open' && stage.load.value >= config.rpm / 60) ||
    // None of the quota's credit left at the end.
    limiters.some((limiter) => limiter.creditRequests !== undefined && limiter.creditRequests < 1);
  const { offeredRatePerSec, dispatchedRatePerSec, late, started } = outcome.stage;
  // The dispatched rate's window runs to the last answer, so a short stage's tail lowers it too: only
  // a schedule that also ran late (requests waited for a slot) was held back. The quota pacing an open
  // loop also lowers the rate sent: that is the quota's limit, not the client's.
  const clientBound =
    stage.model.kind === 'open' &&
    !quotaBound &&
    offeredRatePerSec !== undefined &&
    dispatchedRatePerSec < CLIENT_BOUND_SHARE * offeredRatePerSec &&
    (late ?? 0) > (1 - CLIENT_BOUND_SHARE) * started;
  return {
    quotaBound,
    clientBound,
    ...(quotaRatePerSec !== undefined ? { quotaRatePerSec } : {}),
    ...(clientBound ? { dispatchedRatePerSec: round3(dispatchedRatePerSec) } : {}),
  };
}
