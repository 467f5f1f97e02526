/**
 * The stages of a run: one per value of a `-c` or `--rate` sweep (a plain run has one). Each
 * stage builds its plan, runs it through the scheduler, and adds up its cells and rates.
 */
import { expandGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { DEFAULT_LIMITER_CONFIG, type AdaptiveLimiter, type LimiterConfig } from '../load/limiter.js';
import { DEFAULT_RETRY_POLICY } from '../load/retry.js';
import { runPlan, type LoadModel } from '../load/runner.js';
import { CellRecorder } from '../metrics/cell-recorder.js';
import { storedRowWindow, unansweredRecord, withV1FlagDefaults, type FinishedRequest } from '../metrics/request-record.js';
import { StageTracker } from '../metrics/stage-tracker.js';
import type { CellLoad, CellSummary, LoadSettings, RequestRecord, StageSummary } from '../metrics/types.js';
import { planOfRun, type Plan, type RequestPlan } from '../plan/plan.js';
import { slicePlan, type Shard } from '../plan/slice.js';
import { redact, redactSecrets } from '../util/redact.js';
import type { Provider } from '../providers/types.js';
import { admitOf, liveTextOf, stopReasonOf, type RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';
import { sessionStageOf } from './session-stage.js';
import type { RunBenchmarkOptions, UnsentReason } from './types.js';
import { round3 } from '../util/round.js';

export interface Stage {
  load: CellLoad;
  model: LoadModel;
  concurrency: number;
}

/** One stage per swept value: `-c 1,4,16` (closed loop) or `--rate 1,2,4` (open loop, -c caps); one for a --trace replay (-c caps). */
export function planStages(config: RunConfig): Stage[] {
  // The trace's offered rate is known once it is loaded: runStage sets it.
  if (config.trace !== undefined) return [{ load: { kind: 'rate', value: 0 }, model: { kind: 'trace' }, concurrency: config.concurrency[0] as number }];
  if (config.rate !== undefined) {
    const cap = config.concurrency[0] as number;
    return config.rate.map((rate) => ({ load: { kind: 'rate', value: rate }, model: { kind: 'open', rate, arrival: config.arrival }, concurrency: cap }));
  }
  return config.concurrency.map((concurrency) => ({ load: { kind: 'concurrency', value: concurrency }, model: { kind: 'closed' }, concurrency }));
}

export interface StageRun {
  stage: Stage;
  /** For a sweep: where this stage's cell ids start and the label its cells carry. */
  label: { cellIdOffset: number; label: string } | undefined;
  prepared: PreparedRun;
  config: RunConfig;
  provider: Provider;
  extensions: readonly RunExtension[];
  options: Pick<RunBenchmarkOptions, 'stopSignal' | 'abortSignal' | 'onStart' | 'onPlanned'>;
  simulated: boolean;
  /** Sequence numbers run across stages, so requests.csv has one key per request. */
  seqOffset: number;
  /** Writes one finished request (files, progress); awaited so a slow disk holds dispatch back. */
  onRecord: (finished: FinishedRequest) => Promise<void>;
  /**
   * Nothing can be sent (the token fetch failed, or the run was stopped during it): every planned
   * request gets its row with this outcome and reason, through the same cells and sinks.
   */
  unsent?: UnsentReason | undefined;
  /** This session's number: 0, then one more per resume. */
  session: number;
  /** The slice of the plan this process sends. */
  shard?: Shard | undefined;
  /** A resume: the requests (run-wide sequence numbers) whose rows are kept, and how to read them back. */
  stored?: StoredRows | undefined;
  /** A kept row, counted like a finished one but not written again. */
  onStored?: (finished: FinishedRequest) => Promise<void>;
}

export interface StoredRows {
  kept: ReadonlySet<number>;
  rows: () => AsyncIterable<RequestRecord>;
}

/** For a sweep, where stage `index`'s cell ids start and the label its cells carry; undefined for a single stage. */
export function stagePlanLabel(stages: readonly Stage[], index: number, prepared: Pick<PreparedRun, 'targets' | 'grid'>): StageRun['label'] {
  const stage = stages[index];
  if (stages.length <= 1 || stage === undefined) return undefined;
  return { cellIdOffset: index * prepared.targets.length * expandGrid(prepared.grid).length, label: stageLabel(stage.load) };
}

/** The stage's requests in the whole plan (what its sequence numbers span); undefined when --duration bounds it. */
export function stagePlanSize(plan: Plan, config: Pick<RunConfig, 'maxRequests' | 'duration'>): number | undefined {
  return config.maxRequests ?? (config.duration !== undefined ? undefined : plan.size);
}

/** One stage of load: its plan, its scheduler run, and what its cells and rates added up to. */
export async function runStage(run: StageRun): Promise<{ cells: CellSummary[]; stage: StageSummary; planned: number; interrupted: boolean }> {
  const { prepared, config, options, extensions } = run;
  // A trace replay offers the rate of its arrivals over its span.
  const stage: Stage = run.stage.model.kind === 'trace' ? { ...run.stage, load: { kind: 'rate', value: prepared.trace?.offeredRatePerSec ?? 0 } } : run.stage;
  // --sessions: conversations whose later turns are built from the answers, fed by their own driver.
  const sessions = sessionStageOf(config, prepared, stage.concurrency, run.label);
  const whole = sessions?.plan ?? planOfRun(config, prepared, run.label !== undefined ? { stage: run.label } : {});
  const wholeSize = stagePlanSize(whole, config);
  // A shard or a resume sends part of the plan; the part carries its --max-requests bound itself.
  const sliced = run.shard !== undefined || run.stored !== undefined;
  const kept = run.stored?.kept;
  const plan = sliced
    ? slicePlan(whole, { limit: config.maxRequests, shard: run.shard, skip: kept !== undefined ? { has: (seq) => kept.has(seq + run.seqOffset) } : undefined })
    : whole;
  const recorders = new Map(
    plan.cells.map((cell) => [
      cell.id,
      new CellRecorder({ id: cell.id, label: cell.label, model: cell.model, endpoint: cell.endpoint, params: cell.params, load: stage.load }),
    ]),
  );
  const tracker = new StageTracker(stage.load, stage.model.kind !== 'closed');
  const limiters = new Map<string, AdaptiveLimiter>();
  const expected = sliced ? (config.duration !== undefined ? undefined : plan.size) : stagePlanSize(plan, config);
  options.onPlanned?.({
    requests: expected,
    cells: plan.cells.length,
    cellLabels: plan.cells.map((cell) => ({ id: cell.id, label: cell.label })),
    simulated: run.simulated,
    stage: run.label?.label,
    limiters,
    liveText: () => liveTextOf(extensions),
  });
  const onFinished = async (finished: FinishedRequest): Promise<void> => {
    finished.record.seq += run.seqOffset;
    finished.record.session = run.session;
    if (run.provider.name === 'qianfan') withV1FlagDefaults(finished.record);
    // Before any sink sees it: a server that echoes a key or token in an answer or message.
    redactRecord(finished.record);
    for (const extension of extensions) extension.onRequest?.(finished);
    tracker.record(finished);
    recorders.get(finished.record.cellId)?.record(finished.record, finished, finished.interChunkMs);
    await run.onRecord(finished);
  };
  if (run.stored !== undefined && wholeSize !== undefined) {
    const count = (finished: FinishedRequest): void => {
      for (const extension of extensions) extension.onRequest?.(finished);
      tracker.record(finished);
      recorders.get(finished.record.cellId)?.record(finished.record, finished);
    };
    await feedStoredRows(slicePlan(whole, { limit: config.maxRequests, shard: run.shard }), run.stored, run.seqOffset, wholeSize, async (finished) => {
      count(finished);
      await run.onStored?.(finished);
    });
  }
  const result =
    run.unsent !== undefined
      ? await recordUnsent(plan, sliced ? Number.POSITIVE_INFINITY : (config.maxRequests ?? plan.size), run.unsent, onFinished)
      : await runPlan({
          plan,
          provider: run.provider,
          concurrency: stage.concurrency,
          load: stage.model,
          retry: { ...DEFAULT_RETRY_POLICY, retries: config.retries },
          seed: config.seed,
          limiters,
          ...(config.adapt ? { adapt: limiterSettings(config) } : {}),
          ...(config.duration !== undefined ? { durationMs: config.duration * 1000 } : {}),
          requestBudgetMs: config.totalTimeout * 1000,
          ...(config.maxRequests !== undefined && !sliced ? { maxRequests: config.maxRequests } : {}),
          gate: () => stopReasonOf(extensions),
          // Only when an extension holds budget: an await per request is not free at tens of thousands per second.
          ...(extensions.some((extension) => extension.admit !== undefined) ? { admit: (spec: RequestPlan) => admitOf(extensions, spec) } : {}),
          stopSignal: options.stopSignal,
          abortSignal: options.abortSignal,
          onStart: options.onStart,
          onFinished,
          ...(sessions !== undefined ? { drive: sessions.drive } : {}),
        });
  return {
    cells: plan.cells.map((cell) => (recorders.get(cell.id) as CellRecorder).summary()),
    stage: tracker.summary({ limiters: limiterSummaries(limiters, config.quotaWindow) }),
    planned: wholeSize ?? result.planned,
    interrupted: result.interrupted,
  };
}

/**
 * The kept rows of this stage back through the cells, the stage and the extensions, each with the
 * planned request it belongs to. Its instants are the row's own offsets (in its session's clock).
 */
async function feedStoredRows(
  plan: Plan,
  stored: StoredRows,
  seqOffset: number,
  size: number,
  onStored: (finished: FinishedRequest) => Promise<void>,
): Promise<void> {
  const specs = new Map<number, RequestPlan>();
  for (const spec of plan.requests()) if (stored.kept.has(spec.seq + seqOffset)) specs.set(spec.seq + seqOffset, spec);
  for await (const record of stored.rows()) {
    if (record.seq < seqOffset || record.seq >= seqOffset + size) continue;
    const spec = specs.get(record.seq);
    if (spec === undefined) continue;
    specs.delete(record.seq);
    record.cellId = spec.cell.id;
    await onStored({ spec, record, interChunkMs: [], stored: true, ...storedRowWindow(record) });
  }
}

/**
 * The rows of a stage that sends nothing: each planned request once (up to --max-requests, which
 * may cycle the plan; a --duration run without it gets one pass of the plan).
 */
async function recordUnsent(
  plan: Plan,
  limit: number,
  unsent: UnsentReason,
  onFinished: (finished: FinishedRequest) => Promise<void>,
): Promise<{ planned: number; interrupted: boolean }> {
  let planned = 0;
  for (const spec of plan.requests({ cycle: Number.isFinite(limit) && limit > plan.size })) {
    if (planned >= limit) break;
    planned++;
    await onFinished(unansweredRecord(spec, unsent.outcome, unsent.reason, { attempts: 0, backoffMs: 0 }, unsent.code));
  }
  return { planned, interrupted: unsent.outcome === 'cancelled' };
}

function redactRecord(record: RequestRecord): void {
  if (record.output !== '') record.output = redactSecrets(record.output);
  if (record.errorMsg !== undefined) record.errorMsg = redact(record.errorMsg);
}

function limiterSettings(config: RunConfig): Omit<LimiterConfig, 'maxConcurrency'> {
  return {
    windowMs: config.quotaWindow * 1000,
    headroom: DEFAULT_LIMITER_CONFIG.headroom,
    ...(config.rpm !== undefined ? { rpm: config.rpm } : {}),
    ...(config.tpm !== undefined ? { tpm: config.tpm } : {}),
  };
}

export function stageLabel(load: CellLoad): string {
  return load.kind === 'rate' ? `@${load.value}/s` : `@c=${load.value}`;
}

export function loadSettings(config: RunConfig, prepared?: Pick<PreparedRun, 'trace'>): LoadSettings {
  const settings: LoadSettings = {
    kind: config.rate !== undefined || config.trace !== undefined ? 'open' : 'closed',
    ...(prepared?.trace !== undefined ? { trace: prepared.trace.replay } : {}),
    concurrency: config.concurrency,
    adapt: config.adapt,
    retries: config.retries,
  };
  if (config.rate !== undefined) {
    settings.rate = config.rate;
    settings.arrival = config.arrival;
  }
  if (config.duration !== undefined) settings.durationS = config.duration;
  if (config.maxRequests !== undefined) settings.maxRequests = config.maxRequests;
  if (config.rpm !== undefined) settings.rpm = config.rpm;
  if (config.tpm !== undefined) settings.tpm = config.tpm;
  return settings;
}

function limiterSummaries(limiters: ReadonlyMap<string, AdaptiveLimiter>, windowSeconds: number): StageSummary['limiters'] | undefined {
  if (limiters.size === 0) return undefined;
  const result: NonNullable<StageSummary['limiters']> = {};
  for (const [key, limiter] of limiters) {
    const snapshot = limiter.snapshot();
    result[key] = { throttled: snapshot.throttled, concurrency: snapshot.concurrency };
    if (snapshot.requestBudget !== undefined) result[key].requestBudget = round3(snapshot.requestBudget);
    if (snapshot.tokenBudget !== undefined) result[key].tokenBudget = Math.round(snapshot.tokenBudget);
    // 'unknown' (headers seen, no pattern yet) is left out like no headers at all.
    if (snapshot.refill !== undefined && snapshot.refill !== 'unknown') result[key].refill = snapshot.refill;
    if (snapshot.creditRequests !== undefined) result[key].creditRequests = round3(snapshot.creditRequests);
    if (snapshot.timeline !== undefined)
      result[key].timeline = {
        ...snapshot.timeline,
        ...(snapshot.limitRequests !== undefined ? { limitRequests: snapshot.limitRequests } : {}),
        windowSeconds,
      };
  }
  return result;
}
