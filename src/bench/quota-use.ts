/**
 * Quota use: against a simulator with an RPM quota (a real 60 s rolling window), how much of the
 * quota a run uses and how many attempts are throttled, with the adaptive limiter and with a fixed
 * `-c 64` (`--no-adapt`). Both run at the same time, each against its own simulator process.
 *
 * Quota used is measured in steady state, after the first window: a rolling window starts empty,
 * so the first minute allows a burst no later minute does. It is the ok requests dispatched in
 * [60 s, end) over RPM x the minutes in that span.
 */
import type { FinishedRequest } from '../metrics/request-record.js';
import { driveQfbench } from './drive.js';
import { startSimChild } from './sim-child.js';

export interface QuotaUseResult {
  client: string;
  ok: number;
  attempts: number;
  throttledAttempts: number;
  /** ok requests dispatched after the first minute / (rpm x the minutes after the first). */
  quotaUsed: number;
  throttledShare: number;
}

export async function benchQuotaUse(options: { rpm: number; seconds: number; concurrency: number }): Promise<QuotaUseResult[]> {
  if (options.seconds <= 60) throw new RangeError('the quota benchmark needs more than 60 s: quota use is measured after the first window');
  const simOptions = { rpm: options.rpm, firstChunkMs: 50, msPerOutputToken: 1, jitter: 0.1, outputTokens: { min: 20, max: 60 } };
  const [adaptiveSim, fixedSim] = await Promise.all([startSimChild(simOptions), startSimChild(simOptions)]);
  try {
    const run = async (client: string, sim: typeof adaptiveSim, adapt: boolean): Promise<QuotaUseResult> => {
      const finished: FinishedRequest[] = [];
      await driveQfbench({
        url: sim.url,
        auth: { kind: 'oauth', credentials: sim.credentials },
        concurrency: options.concurrency,
        durationMs: options.seconds * 1000,
        stream: true,
        retries: 2,
        ...(adapt ? { adapt: { windowMs: 60_000, headroom: 0.97 } } : {}),
        onFinished: (f) => finished.push(f),
      });
      const stats = await sim.stats();
      const ok = finished.filter((f) => f.record.outcome === 'ok').length;
      const attempts = finished.reduce((sum, f) => sum + f.record.attempts, 0);
      const steadyOk = finished.filter((f) => f.record.outcome === 'ok' && (f.record.schedOffsetMs ?? 0) + (f.record.queueMs ?? 0) >= 60_000).length;
      return {
        client,
        ok,
        attempts,
        throttledAttempts: stats.throttled,
        quotaUsed: steadyOk / (options.rpm * ((options.seconds - 60) / 60)),
        throttledShare: attempts > 0 ? stats.throttled / attempts : 0,
      };
    };
    return await Promise.all([run('adaptive', adaptiveSim, true), run(`fixed -c ${options.concurrency}`, fixedSim, false)]);
  } finally {
    await Promise.all([adaptiveSim.close(), fixedSim.close()]);
  }
}
