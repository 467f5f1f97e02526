/**
 * The qfbench client path as the benchmarks drive it: provider, plan and scheduler, with no files
 * written, so what is measured is the request path itself.
 */
import type { DatasetRow } from '../dataset/types.js';
import type { LimiterConfig } from '../load/limiter.js';
import { DEFAULT_RETRY_POLICY } from '../load/retry.js';
import { runPlan } from '../load/runner.js';
import type { FinishedRequest } from '../metrics/request-record.js';
import { buildPlan } from '../plan/plan.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../providers/http.js';
import { createQianfanProvider, type QianfanAuth } from '../providers/qianfan/provider.js';

export interface DriveOptions {
  url: string;
  auth: QianfanAuth;
  concurrency: number;
  /** Number of requests, or undefined with `durationMs`. */
  requests?: number;
  durationMs?: number;
  stream: boolean;
  prompt?: string;
  adapt?: Omit<LimiterConfig, 'maxConcurrency'>;
  /** Open loop at this many requests per second (concurrency is then the cap). */
  rate?: number;
  onStart?: () => void;
  retries?: number;
  onFinished?: (finished: FinishedRequest) => void;
}

export async function driveQfbench(options: DriveOptions): Promise<void> {
  const agent = createAgent({ connections: options.concurrency, timeouts: DEFAULT_TIMEOUTS });
  try {
    const provider = createQianfanProvider({
      baseUrl: options.url,
      auth: options.auth,
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
      refreshOnExpiredToken: true,
    });
    await provider.preflight();
    const row: DatasetRow = {
      id: 'bench',
      source: { file: 'bench', line: 1 },
      messages: [{ role: 'user', content: options.prompt ?? 'Benchmark this request path.' }],
      vars: {},
    };
    const plan = buildPlan({
      targets: [{ model: 'ERNIE-Speed-8K', endpoint: 'ernie_speed' }],
      grid: {},
      rows: [row],
      repeat: options.requests ?? 1,
      seed: 1,
      api: 'chat',
      stream: options.stream,
    });
    await runPlan({
      plan,
      provider,
      concurrency: options.concurrency,
      retry: { ...DEFAULT_RETRY_POLICY, retries: options.retries ?? 0 },
      seed: 1,
      ...(options.adapt !== undefined ? { adapt: options.adapt } : {}),
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      ...(options.rate !== undefined ? { load: { kind: 'open' as const, rate: options.rate, arrival: 'constant' as const } } : {}),
      ...(options.onStart !== undefined ? { onStart: options.onStart } : {}),
      onFinished: (finished) => options.onFinished?.(finished),
    });
  } finally {
    await agent.close();
  }
}
