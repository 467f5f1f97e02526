/** Hand-built RunSummary / RequestRecord fixtures for the report tests (no src/metrics code used). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellSummary, DistributionSummary, Outcome, RequestRecord, RunSummary } from '../../src/metrics/types.js';

export function dist(p50: number, scale = 1, count = 10): DistributionSummary {
  return {
    count,
    min: p50 * 0.5 * scale,
    mean: p50 * 1.1 * scale,
    p50: p50 * scale,
    p90: p50 * 1.5 * scale,
    p95: p50 * 1.7 * scale,
    p99: p50 * 2 * scale,
    p999: p50 * 2.2 * scale,
    max: p50 * 2.5 * scale,
  };
}

export function emptyDist(): DistributionSummary {
  return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
}

export function makeCell(overrides: Partial<CellSummary> = {}): CellSummary {
  const outcomes: Record<Outcome, number> = { ok: 8, failed: 1, throttled: 1, timeout: 0, cancelled: 0, dropped: 0 };
  return {
    id: 'c0',
    label: 'ernie-speed-8k temperature=0.3',
    model: 'ernie-speed-8k',
    endpoint: 'ernie_speed',
    params: { temperature: 0.3 },
    planned: 10,
    outcomes,
    errors: {
      '336003': { count: 1, message: 'invalid argument' },
      '18': { count: 1, message: 'Open api qps request limit reached' },
    },
    latencyMs: dist(1200),
    latencySchedMs: dist(1250),
    ttftMs: dist(300),
    ttftSchedMs: dist(320),
    tpotMs: dist(25),
    interChunkMs: dist(80),
    queueWaitMs: dist(5),
    promptTokensPerRequest: dist(40),
    completionTokensPerRequest: dist(120),
    tokens: { prompt: 320, completion: 960, total: 1280 },
    windowMs: 5000,
    throughput: { requestsPerSec: 1.6, outputTokensPerSec: 192 },
    attempts: 12,
    histograms: {},
    ...overrides,
  };
}

export function makeSummary(overrides: { simulated?: boolean; cells?: CellSummary[]; models?: string[] } = {}): RunSummary {
  const cells = overrides.cells ?? [
    makeCell(),
    makeCell({
      id: 'c1',
      label: 'ernie-4.0-8k temperature=0.9',
      model: 'ernie-4.0-8k',
      endpoint: 'completions_pro',
      params: { temperature: 0.9 },
      outcomes: { ok: 10, failed: 0, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 },
      errors: {},
      latencyMs: dist(2400),
      ttftMs: dist(600),
      tpotMs: dist(40),
      throughput: { requestsPerSec: 0.8, outputTokensPerSec: 96.5 },
    }),
  ];
  return {
    schemaVersion: 1,
    tool: { name: 'qfbench', version: '0.1.0' },
    run: {
      startedAt: '2025-01-02T03:04:05.000Z',
      endedAt: '2025-01-02T03:05:05.000Z',
      durationMs: 60_000,
      simulated: overrides.simulated ?? false,
      provider: 'qianfan-v2',
      baseUrl: 'https://qianfan.baidubce.com/v2',
      datasets: [{ file: 'datasets/demo.csv', rows: 5 }],
      models: overrides.models ?? cells.map((c) => c.model),
      paramGrid: { temperature: [0.3, 0.9] },
      repeat: 2,
      concurrency: 8,
      stream: true,
      seed: 7,
      interrupted: false,
      metricsDefinitionVersion: 1,
    },
    cells,
  };
}

export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    seq: 0,
    cellId: 'c0',
    model: 'ernie-speed-8k',
    endpoint: 'ernie_speed',
    params: 'temperature=0.3',
    rowId: 'r1',
    repeat: 0,
    outcome: 'ok',
    httpStatus: 200,
    attempts: 1,
    backoffMs: 0,
    schedOffsetMs: 12.345,
    queueMs: 0.125,
    latencyMs: 1234.567,
    latencySchedMs: 1234.692,
    ttftMs: 301.001,
    ttftSchedMs: 301.126,
    tpotMs: 24.5,
    decodeTps: 40.82,
    textEvents: 12,
    promptTokens: 40,
    completionTokens: 120,
    totalTokens: 160,
    usageSource: 'server',
    finishReason: 'normal',
    output: '你好，我是文心一言。',
    ...overrides,
  };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qfbench-report-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
