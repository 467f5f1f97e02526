/**
 * The closed-loop scheduler: at most `concurrency` requests in flight (p-limit), retries with
 * backoff, and a stop that never loses a request: every planned request ends as exactly one
 * FinishedRequest, handed to `onFinished` as soon as it is known.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { answeredRecord, unansweredRecord, type FinishedRequest } from '../metrics/request-record.js';
import type { Plan, RequestPlan } from '../plan/plan.js';
import type { AttemptResult, Provider, ProviderRequest, RateLimitSignal } from '../providers/types.js';
import { now, sleep } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { backoffDelayMs, isRetryable, type RetryPolicy } from './retry.js';

export interface RunnerOptions {
  plan: Plan;
  provider: Provider;
  concurrency: number;
  retry: RetryPolicy;
  seed: number;
  /** Aborting it stops dispatching: requests not yet sent end as `cancelled`. */
  stopSignal?: AbortSignal;
  /** Aborting it also cuts the requests in flight (they end as `cancelled`). */
  abortSignal?: AbortSignal;
  /** Awaited before the slot is freed, so a slow sink (a disk) holds dispatch back instead of buffering. */
  onFinished: (finished: FinishedRequest) => void | Promise<void>;
  onRateLimit?: (signal: RateLimitSignal) => void;
  /** Called once per request, when its first attempt is about to be sent. */
  onStart?: () => void;
}

export interface RunnerResult {
  /** Monotonic instant the first request could start; `sched_offset_ms` is relative to it. */
  epoch: number;
  endedAt: number;
  interrupted: boolean;
}

export function toProviderRequest(plan: Plan, spec: RequestPlan): ProviderRequest {
  const request: ProviderRequest = {
    api: plan.api,
    model: spec.cell.model,
    endpoint: spec.cell.endpoint,
    messages: spec.row.messages,
    params: spec.cell.params,
    stream: plan.stream,
  };
  if (spec.row.system !== undefined) request.system = spec.row.system;
  return request;
}

export async function runPlan(options: RunnerOptions): Promise<RunnerResult> {
  const { plan, provider, retry, stopSignal, abortSignal, onFinished } = options;
  const random = seededRandom(options.seed ^ 0x5eed);
  const limit = pLimit(options.concurrency);
  // Every request in flight listens on the run's abort signal; thousands of listeners are expected.
  for (const signal of [stopSignal, abortSignal]) if (signal !== undefined) setMaxListeners(0, signal);
  const epoch = now();
  const stopped = (): boolean => stopSignal?.aborted === true || abortSignal?.aborted === true;

  async function execute(spec: RequestPlan): Promise<FinishedRequest> {
    // Closed loop: the request was due the moment its slot became free.
    const schedAt = now();
    if (stopped()) return unansweredRecord(spec, 'cancelled', 'run stopped before this request was sent');
    const request = toProviderRequest(plan, spec);
    let attempts = 0;
    let backoffMs = 0;
    let firstDispatchAt: number | undefined;
    options.onStart?.();
    for (;;) {
      attempts++;
      let result: AttemptResult;
      try {
        result = await provider.send(request, { signal: abortSignal, onRateLimit: options.onRateLimit });
      } catch (error) {
        if (abortSignal?.aborted) return unansweredRecord(spec, 'cancelled', 'run stopped while this request was in flight', { attempts, backoffMs });
        throw error;
      }
      firstDispatchAt ??= result.dispatchedAt;
      // Latency runs from the first attempt's dispatch, so retries never hide time.
      result.dispatchedAt = firstDispatchAt;
      const error = result.error;
      const finish = (): FinishedRequest => answeredRecord(spec, result, { schedAt, epoch, attempts, backoffMs, stream: plan.stream });
      if (result.ok || error === undefined || !isRetryable(error) || attempts > retry.retries || stopped()) return finish();
      const delay = backoffDelayMs(attempts, retry, random, error.retryAfterMs);
      const before = now();
      await sleep(delay, stopSignal !== undefined && abortSignal !== undefined ? AbortSignal.any([stopSignal, abortSignal]) : (stopSignal ?? abortSignal));
      backoffMs += now() - before;
      // A stop during the backoff ends the request with the answer it already has.
      if (stopped()) return finish();
    }
  }

  async function executeSafely(spec: RequestPlan): Promise<FinishedRequest> {
    try {
      return await execute(spec);
    } catch (error) {
      // A bug on our side must not lose the request or the run: record it as a client failure.
      const reason = error instanceof Error ? error.message : String(error);
      return unansweredRecord(spec, 'failed', `client error: ${reason}`, undefined, 'client_error');
    }
  }

  // Feed p-limit lazily: at most `concurrency` requests wait in its queue, so a run of a million
  // requests holds a handful of request specs in memory, not a million closures. A finishing task
  // wakes the feeder directly (Promise.race over the set would pile reactions onto every task).
  const inFlight = new Set<Promise<void>>();
  let wakeFeeder: (() => void) | undefined;
  for (const spec of plan.requests()) {
    while (limit.pendingCount >= limit.concurrency) await new Promise<void>((resolve) => (wakeFeeder = resolve));
    const task: Promise<void> = limit(async () => {
      await onFinished(await executeSafely(spec));
    }).finally(() => {
      inFlight.delete(task);
      wakeFeeder?.();
    });
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  return { epoch, endedAt: now(), interrupted: stopped() };
}
