/**
 * Which slice of the plan this process sends: `--shard I/N`, or `--shards N` with I from the
 * 0-based $JOB_COMPLETION_INDEX that a Kubernetes Indexed Job gives each of its pods.
 */
import type { RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import { parseShard, type Shard } from '../config/shard-spec.js';

export function shardOf(config: Pick<RunConfig, 'shard' | 'shards'>, env: NodeJS.ProcessEnv): Shard | undefined {
  if (config.shard !== undefined) return parseShard(config.shard);
  if (config.shards === undefined) return undefined;
  const raw = env['JOB_COMPLETION_INDEX'];
  if (raw === undefined || raw === '') {
    throw configError(
      `--shards ${config.shards}: $JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it); give --shard I/${config.shards} instead`,
    );
  }
  const index = Number(raw);
  if (!Number.isInteger(index) || index < 0 || index >= config.shards) {
    throw configError(`--shards ${config.shards}: $JOB_COMPLETION_INDEX is ${JSON.stringify(raw)}, not an index from 0 to ${config.shards - 1}`);
  }
  return { index: index + 1, count: config.shards };
}

/** Each shard spends its share of a quota given with --rpm/--tpm; the shards also share through the Remaining headers. */
export function shardQuota(config: RunConfig, shard: Shard | undefined): RunConfig {
  if (shard === undefined || shard.count === 1) return config;
  const divided = { ...config };
  if (config.rpm !== undefined) divided.rpm = config.rpm / shard.count;
  if (config.tpm !== undefined) divided.tpm = config.tpm / shard.count;
  return divided;
}
