/**
 * What a run planned, as hashes a resume and a merge compare: each dataset file's sha256, the
 * catalog entries of its models, and one plan hash over every input that decides which requests
 * exist and in which order (cells, stages, dataset contents, repeat, seed, stream, bounds). The
 * shard is not in the plan hash: every shard of one plan has the same hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { RunConfig } from '../config/run-config.js';
import type { PlanIdentity } from '../metrics/types.js';
import { findModel } from '../qianfan/spec/catalog.js';
import { environmentError } from '../util/fs-util.js';
import { planStages } from './stages.js';
import type { PreparedRun } from './prepare-run.js';
import { buildCells } from '../plan/plan.js';

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch (error) {
    throw environmentError(error, `read ${path}`);
  }
  return hash.digest('hex');
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Requests in the whole plan of every stage together; undefined when --duration bounds the stages. */
export function wholePlanSize(config: RunConfig, prepared: PreparedRun): number | undefined {
  if (config.duration !== undefined) return undefined;
  const stages = planStages(config).length;
  const perStage = config.maxRequests ?? buildCells(prepared.targets, prepared.grid, config.api).length * prepared.rows.length * config.repeat;
  return perStage * stages;
}

export async function planIdentityOf(config: RunConfig, prepared: PreparedRun): Promise<PlanIdentity> {
  const datasetSha256: string[] = [];
  for (const file of config.datasets) datasetSha256.push(await fileSha256(file));
  // A trace replay's requests and their times are the trace's: its contents, speed and limit are in the plan.
  const trace = config.trace !== undefined ? { sha256: await fileSha256(config.trace), speed: config.traceSpeed ?? 1, limit: config.traceLimit } : undefined;
  const entries = prepared.targets.map((target) => findModel(prepared.catalog, target.model) ?? { endpoint: target.endpoint });
  const catalogSha256 = sha256(entries);
  const cells = buildCells(prepared.targets, prepared.grid, config.api).map((cell) => [cell.api, cell.model, cell.endpoint, cell.paramsText]);
  const stages = planStages(config).map((stage) => stage.load);
  const size = wholePlanSize(config, prepared);
  const hash = sha256({
    version: 1,
    cells,
    // A -c sweep is part of the plan (each value is a stage of cells); one -c value is not.
    stages: stages.length > 1 || stages[0]?.kind === 'rate' ? stages : [{ kind: 'concurrency' }],
    datasetSha256,
    rows: prepared.rows.length,
    repeat: config.repeat,
    seed: config.seed,
    stream: config.stream,
    arrival: config.rate !== undefined ? config.arrival : undefined,
    maxRequests: config.maxRequests,
    duration: config.duration,
    provider: config.provider,
    trace,
  });
  return { hash, ...(size !== undefined ? { size } : {}), datasetSha256, catalogSha256 };
}
