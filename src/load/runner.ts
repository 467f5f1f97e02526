/**
 * The scheduler. Closed loop: at most `concurrency` requests in flight (p-limit), each due the
 * moment its slot frees. Open loop: requests due at `rate` per second on an absolute schedule,
 * with `concurrency` as a cap; a request that cannot start on time waits and shows its lag
 * (t_sched stays the intended instant, so nothing hides coordinated omission). Either way, an
 * optional adaptive limiter per quota key paces starts, retries back off, and a stop never loses
 * a request: every planned request ends as exactly one FinishedRequest, handed to `onFinished`.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { estimateTokens } from '../qianfan/spec/token-estimate.js';
import { answeredRecord, unansweredRecord, type FinishedRequest } from '../metrics/request-record.js';
import type { Plan, RequestPlan } from '../plan/plan.js';
import type { DatasetRow } from '../dataset/types.js';
import { documentsOfRow } from '../dataset/documents.js';
import { generatesText } from '../providers/api-kinds.js';
import type { AttemptResult, Provider, ProviderRequest, RateLimitSignal } from '../providers/types.js';
import { now, sleep } from '../util/clock.js';
import { MAX_TIMER_MS, safeDelayMs } from '../util/safe-delay.js';
import { seededRandom } from '../util/random.js';
import { arrivalOffsets, traceOffset, type ArrivalModel } from './arrivals.js';
import { AdaptiveLimiter, DEFAULT_LIMITER_CONFIG, type LimiterConfig, type Permit } from './limiter.js';
import { backoffDelayMs, isRetryable, type RetryPolicy } from './retry.js';

/** `trace`: open loop on a trace's schedule, each request due at its `dueOffsetMs`. */
export type LoadModel = { kind: 'closed' } | { kind: 'open'; rate: number; arrival: ArrivalModel } | { kind: 'trace' };

export interface RunnerOptions {
  plan: Plan;
  provider: Provider;
  /** Closed loop: requests in flight. Open loop: the cap on requests in flight. */
  concurrency: number;
  load?: LoadModel;
  retry: RetryPolicy;
  seed: number;
  /** Pace starts with an adaptive limiter per endpoint (off: fixed concurrency, the baseline). */
  adapt?: Omit<LimiterConfig, 'maxConcurrency'>;
  /** Shared registry, so a live view can read the limiters while the run goes on. */
  limiters?: Map<string, AdaptiveLimiter>;
  /** Stop dispatching after this long (ms from the start); the plan cycles until then. */
  durationMs?: number;
  /**
   * `--total-timeout` as a budget for one request across its attempts: counted from the dispatch of
   * its first attempt, through every attempt and backoff. A retry waits only if it can start within
   * what is left of it (and, with `durationMs`, before the run's duration ends); a server-advised wait
   * (Retry-After) longer than that is not waited for: the request ends with its last answer and says why.
   */
  requestBudgetMs?: number;
  /** Stop after this many requests; the plan cycles when it is shorter. */
  maxRequests?: number;
  /** Asked before each request is sent; a reason (a budget reached) drops it and stops the plan. */
  gate?: () => string | undefined;
  /** Awaited after `gate` for each request about to be sent (a budget holding its estimated cost); a reason drops it. */
  admit?: (spec: RequestPlan) => Promise<string | undefined>;
  /** Aborting it stops dispatching: requests not yet sent end as `cancelled`. */
  stopSignal?: AbortSignal;
  /** Aborting it also cuts the requests in flight (they end as `cancelled`). */
  abortSignal?: AbortSignal;
  /** Awaited before the slot is freed, so a slow sink (a disk) holds dispatch back instead of buffering. */
  onFinished: (finished: FinishedRequest) => void | Promise<void>;
  onRateLimit?: (signal: RateLimitSignal) => void;
  /** Called once per request, when its first attempt is about to be sent. */
  onStart?: () => void;
  /**
   * Feeds the requests itself instead of the plan's order (--sessions, whose later turns wait for
   * the earlier answers): it gets the per-request path below and returns how many requests it planned.
   */
  drive?: (feed: RunnerFeed) => Promise<number>;
}

/** What a `drive` feeder gets: the run's clock and bounds, and the one path every request takes. */
export interface RunnerFeed {
  epoch: number;
  /** Monotonic instant --duration ends (Infinity without it). */
  deadline: number;
  /** The run was stopped (Ctrl-C): what is not sent ends as `cancelled`. */
  stopped: () => boolean;
  /** A budget's stop reason, if one was reached. */
  gate: () => string | undefined;
  /** Aborted on a stop, for waits between requests. */
  signal: AbortSignal | undefined;
  /** Sends one request (limiter, retries, `onFinished`) under the -c slots; undefined once a sink failed (stop feeding). */
  send: (spec: RequestPlan, schedAt: number) => Promise<FinishedRequest | undefined>;
  /** Hands a request that is not sent to `onFinished`; false once a sink failed. */
  end: (finished: FinishedRequest) => Promise<boolean>;
}

export interface RunnerResult {
  /** Monotonic instant the run started; `sched_offset_ms` is relative to it. */
  epoch: number;
  endedAt: number;
  interrupted: boolean;
  /** Requests generated (each ended as exactly one FinishedRequest). */
  planned: number;
  /** Open loop: the instant the last arrival was due (offered window). */
  lastDueAt?: number;
}

export function toProviderRequest(plan: Plan, spec: RequestPlan): ProviderRequest {
  const request: ProviderRequest = {
    api: spec.cell.api,
    model: spec.cell.model,
    endpoint: spec.cell.endpoint,
    messages: spec.row.messages,
    // A trace's output length is the request's own cap (max_output_tokens; the OpenAI provider sends it as max_tokens).
    params:
      spec.row.maxOutputTokens !== undefined && generatesText(spec.cell.api)
        ? { ...spec.cell.params, max_output_tokens: spec.row.maxOutputTokens }
        : spec.cell.params,
    // Embeddings, rerankers and images have no stream to time.
    stream: generatesText(spec.cell.api) ? plan.stream : false,
  };
  if (spec.row.system !== undefined) request.system = spec.row.system;
  if (spec.cell.api === 'reranker') {
    // The pre-check refused rows without documents; a row that still has none sends an empty list (and the server refuses it).
    const documents = documentsOfRow(spec.row);
    request.documents = documents.ok ? documents.documents : [];
  }
  return request;
}

/** Tokens the limiter charges before an answer says the real number. */
class TokenExpectations {
  private readonly promptByRow = new WeakMap<DatasetRow, number>();
  private readonly completion = new Map<string, { sum: number; count: number }>();

  prompt(row: DatasetRow): number {
    let tokens = this.promptByRow.get(row);
    if (tokens === undefined) {
      tokens = estimateTokens([row.system ?? '', ...row.messages.map((message) => message.content)].join('\n'));
      this.promptByRow.set(row, tokens);
    }
    return tokens;
  }

  /** The mean completion seen for the cell so far; before any, a modest guess under the cap. */
  completionFor(spec: RequestPlan): number {
    const seen = this.completion.get(spec.cell.id);
    if (seen !== undefined && seen.count > 0) return seen.sum / seen.count;
    const cap = spec.row.maxOutputTokens ?? spec.cell.params.max_output_tokens;
    return Math.min(typeof cap === 'number' ? cap : 1024, 200);
  }

  learn(spec: RequestPlan, completionTokens: number): void {
    const seen = this.completion.get(spec.cell.id) ?? { sum: 0, count: 0 };
    seen.sum += completionTokens;
    seen.count++;
    this.completion.set(spec.cell.id, seen);
  }
}

/** A wait for a reason text; one at the timer limit was clamped there from something longer. */
function formatWait(ms: number): string {
  if (ms >= MAX_TIMER_MS) return 'more than 24 days';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export async function runPlan(options: RunnerOptions): Promise<RunnerResult> {
  const { plan, provider, retry, stopSignal, abortSignal, onFinished } = options;
  const load = options.load ?? { kind: 'closed' };
  const random = seededRandom(options.seed ^ 0x5eed);
  const limit = pLimit(options.concurrency);
  const limiters = options.limiters ?? new Map<string, AdaptiveLimiter>();
  const expectations = new TokenExpectations();
  // Every request in flight listens on the run's abort signal; thousands of listeners are expected.
  for (const signal of [stopSignal, abortSignal]) if (signal !== undefined) setMaxListeners(0, signal);
  const epoch = now();
  const deadline = options.durationMs !== undefined ? epoch + options.durationMs : Number.POSITIVE_INFINITY;
  let deadlinePassed = false;
  const deadlineTimer =
    options.durationMs !== undefined
      ? setTimeout(() => {
          deadlinePassed = true;
          releaseLimiters();
        }, safeDelayMs(options.durationMs))
      : undefined;
  const stopped = (): boolean => stopSignal?.aborted === true || abortSignal?.aborted === true;
  function releaseLimiters(): void {
    for (const limiter of limiters.values()) limiter.close();
  }
  stopSignal?.addEventListener('abort', releaseLimiters, { once: true });
  abortSignal?.addEventListener('abort', releaseLimiters, { once: true });

  function limiterFor(spec: RequestPlan): AdaptiveLimiter | undefined {
    if (options.adapt === undefined) return undefined;
    const key = `${spec.cell.api}/${spec.cell.endpoint}`;
    let limiter = limiters.get(key);
    if (limiter === undefined) {
      limiter = new AdaptiveLimiter({ ...DEFAULT_LIMITER_CONFIG, ...options.adapt, maxConcurrency: options.concurrency }, (concurrency) => {
        // One p-limit serves every endpoint; it follows the most cautious limiter.
        limit.concurrency = Math.max(1, Math.min(concurrency, ...[...limiters.values()].map((other) => other.snapshot().concurrency)));
      });
      limiters.set(key, limiter);
    }
    return limiter;
  }

  /** A request that got no answer because the run stopped or its time was up before it could go. */
  function notSent(spec: RequestPlan, attempts: number, backoffMs: number): FinishedRequest {
    if (stopped()) return unansweredRecord(spec, 'cancelled', 'run stopped before this request was sent', { attempts, backoffMs });
    return unansweredRecord(spec, 'dropped', '--duration ran out while this request waited to be sent', { attempts, backoffMs });
  }

  /**
   * What a request that first went out at `firstSentAt` has left: the smaller of its --total-timeout
   * budget (requestBudgetMs minus the time since its first dispatch) and the run's --duration (the
   * time until the deadline); Infinity when neither applies.
   */
  function timeLeft(firstSentAt: number): { ms: number; of: string } {
    const at = now();
    const request = options.requestBudgetMs !== undefined ? options.requestBudgetMs - (at - firstSentAt) : Number.POSITIVE_INFINITY;
    const run = deadline - at;
    return run < request ? { ms: Math.max(0, run), of: "the run's --duration" } : { ms: Math.max(0, request), of: 'its --total-timeout' };
  }

  /** A server-advised wait as the limiter may take it: within the request's time and the timer limit. */
  function cappedWait(retryAfterMs: number | undefined, firstSentAt: number | undefined): number | undefined {
    if (retryAfterMs === undefined) return undefined;
    const left = firstSentAt !== undefined ? timeLeft(firstSentAt).ms : Number.POSITIVE_INFINITY;
    return safeDelayMs(Math.min(retryAfterMs, left));
  }

  /** Attempts so far of one request, kept outside `execute` so an exception cannot lose them. */
  interface AttemptCount {
    attempts: number;
    backoffMs: number;
  }

  async function execute(spec: RequestPlan, schedAt: number, count: AttemptCount): Promise<FinishedRequest> {
    if (stopped() || deadlinePassed) return notSent(spec, 0, 0);
    const gateReason = options.gate?.();
    if (gateReason !== undefined) return unansweredRecord(spec, 'dropped', gateReason);
    if (options.admit !== undefined) {
      const refused = await options.admit(spec);
      if (refused !== undefined) return unansweredRecord(spec, 'dropped', refused);
      // The wait for room may have outlasted the run.
      if (stopped() || deadlinePassed) return notSent(spec, 0, 0);
    }
    const request = toProviderRequest(plan, spec);
    const limiter = limiterFor(spec);
    let firstSentAt: number | undefined;
    // The permit of the attempt in flight: the limiter reads its headers as of when that request went.
    let attemptPermit: Permit | undefined;
    const onRateLimit = (signal: RateLimitSignal): void => {
      const capped = signal.retryAfterMs !== undefined ? { ...signal, retryAfterMs: cappedWait(signal.retryAfterMs, firstSentAt) } : signal;
      limiter?.observe(capped, attemptPermit);
      options.onRateLimit?.(capped);
    };
    let firstDispatchAt: number | undefined;
    // The last answer, once there is one: a request the server answered ends with that answer.
    let finishWithLast: (() => FinishedRequest) | undefined;
    for (;;) {
      let permit: Permit | undefined;
      if (limiter !== undefined) {
        permit = await limiter.acquire(expectations.prompt(spec.row), expectations.completionFor(spec));
        attemptPermit = permit;
        if (permit === undefined || stopped() || (count.attempts === 0 && deadlinePassed)) {
          permit?.release({ throttled: false });
          return finishWithLast?.() ?? notSent(spec, count.attempts, count.backoffMs);
        }
      }
      if (count.attempts === 0) options.onStart?.();
      firstSentAt ??= now();
      count.attempts++;
      let result: AttemptResult;
      try {
        result = await provider.send(request, { signal: abortSignal, onRateLimit });
      } catch (error) {
        permit?.release({ throttled: false });
        if (abortSignal?.aborted) return unansweredRecord(spec, 'cancelled', 'run stopped while this request was in flight', count);
        throw error;
      }
      // A provider may have sent the request again itself (a token refresh): those count too.
      count.attempts += result.resends ?? 0;
      const error = result.error;
      const usage = result.usage;
      if (usage !== undefined && result.ok) expectations.learn(spec, usage.completionTokens);
      const advisedWait = cappedWait(error?.retryAfterMs, firstSentAt);
      permit?.release({
        throttled: error?.class === 'throttled',
        ...(advisedWait !== undefined ? { retryAfterMs: advisedWait } : {}),
        ...(usage !== undefined ? { usedTokens: usage.totalTokens, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens } : {}),
      });
      firstDispatchAt ??= result.dispatchedAt;
      // Latency runs from the first attempt's dispatch, so retries never hide time.
      result.dispatchedAt = firstDispatchAt;
      const answered = result;
      const finish = (): FinishedRequest =>
        answeredRecord(spec, answered, { schedAt, epoch, attempts: count.attempts, backoffMs: count.backoffMs, stream: request.stream });
      finishWithLast = finish;
      if (result.ok || error === undefined || !isRetryable(error) || count.attempts > retry.retries || stopped()) return finish();
      const delay = backoffDelayMs(count.attempts, retry, random, error.retryAfterMs);
      const left = timeLeft(firstSentAt);
      if (delay > left.ms) {
        // Waiting longer than the request (or the run) may take would only end it later, not better.
        const asked =
          error.retryAfterMs !== undefined && error.retryAfterMs >= delay
            ? `the server asked to wait ${formatWait(delay)} (Retry-After)`
            : `the backoff of ${formatWait(delay)}`;
        error.message = `not retried: ${asked} is longer than the ${formatWait(left.ms)} left of ${left.of}; ${error.message}`;
        return finish();
      }
      const before = now();
      await sleep(delay, stopSignal !== undefined && abortSignal !== undefined ? AbortSignal.any([stopSignal, abortSignal]) : (stopSignal ?? abortSignal));
      count.backoffMs += now() - before;
      // A stop during the backoff ends the request with the answer it already has.
      if (stopped()) return finish();
    }
  }

  async function executeSafely(spec: RequestPlan, schedAt: number): Promise<FinishedRequest> {
    const count: AttemptCount = { attempts: 0, backoffMs: 0 };
    try {
      return await execute(spec, schedAt, count);
    } catch (error) {
      // A bug on our side must not lose the request or the run: record it as a client failure.
      const reason = error instanceof Error ? error.message : String(error);
      return unansweredRecord(spec, 'failed', `client error: ${reason}`, count, 'client_error');
    }
  }

  const inFlight = new Set<Promise<void>>();
  let wakeFeeder: (() => void) | undefined;
  // A sink that fails (the disk, an extension) stops the run: the first such error is rethrown
  // once the requests in flight have ended, instead of escaping as an unhandled rejection.
  let sinkFailure: { error: unknown } | undefined;
  let planned = 0;
  let lastDueAt: number | undefined;
  const openOffset = load.kind === 'open' ? arrivalOffsets(load.arrival, load.rate, seededRandom(options.seed ^ 0xa441)) : undefined;
  const nextOffset = load.kind === 'trace' ? traceOffset : openOffset;
  const bounded = options.durationMs !== undefined || options.maxRequests !== undefined;

  if (options.drive !== undefined) {
    const failed = (error: unknown): undefined => {
      sinkFailure ??= { error };
      return undefined;
    };
    planned = await options.drive({
      epoch,
      deadline,
      stopped,
      gate: () => options.gate?.(),
      signal: stopSignal !== undefined && abortSignal !== undefined ? AbortSignal.any([stopSignal, abortSignal]) : (stopSignal ?? abortSignal),
      send: (spec, schedAt) =>
        sinkFailure !== undefined
          ? Promise.resolve(undefined)
          : limit(async () => {
              const finished = await executeSafely(spec, schedAt);
              await onFinished(finished);
              return finished;
            }).catch(failed),
      end: (finished) =>
        sinkFailure !== undefined
          ? Promise.resolve(false)
          : Promise.resolve()
              .then(() => onFinished(finished))
              .then(
                () => true,
                (error: unknown) => failed(error) ?? false,
              ),
    });
  }
  for (const spec of options.drive !== undefined ? [] : plan.requests({ cycle: bounded })) {
    if (sinkFailure !== undefined) break;
    if (options.maxRequests !== undefined && planned >= options.maxRequests) break;
    // A plan that cycles has no end of its own: a stop or a reached budget ends it.
    if (bounded && planned > 0 && (stopped() || options.gate?.() !== undefined)) break;
    let schedAt: number | undefined;
    if (nextOffset !== undefined) {
      // Open loop: wait for this request's absolute due time; a late wake-up shows as lag.
      const dueAt = epoch + nextOffset(spec);
      if (dueAt >= deadline) break;
      // A timer may fire a fraction of a millisecond early: the request never goes before it is due.
      for (let wait = dueAt - now(); wait > 0 && !stopped(); wait = dueAt - now()) await sleep(wait, stopSignal);
      schedAt = dueAt;
      lastDueAt = dueAt;
    } else {
      // Closed loop: a request is planned when a slot frees, not before, so nothing waits in
      // p-limit's queue (and a time-bounded run plans nothing it cannot start). A finishing task
      // wakes the feeder directly.
      while (limit.activeCount + limit.pendingCount >= limit.concurrency) await new Promise<void>((resolve) => (wakeFeeder = resolve));
      if (deadlinePassed || now() >= deadline) break;
    }
    planned++;
    const due = schedAt;
    const task: Promise<void> = limit(async () => {
      // Closed loop: the request was due the moment its slot became free.
      await onFinished(await executeSafely(spec, due ?? now()));
    })
      .catch((error: unknown) => {
        sinkFailure ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        wakeFeeder?.();
      });
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  clearTimeout(deadlineTimer);
  stopSignal?.removeEventListener('abort', releaseLimiters);
  abortSignal?.removeEventListener('abort', releaseLimiters);
  releaseLimiters();
  if (sinkFailure !== undefined) throw sinkFailure.error;
  const result: RunnerResult = { epoch, endedAt: now(), interrupted: stopped(), planned };
  if (lastDueAt !== undefined) result.lastDueAt = lastDueAt;
  return result;
}
