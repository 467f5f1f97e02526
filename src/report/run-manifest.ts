/**
 * run.json: what a run folder needs to be continued (`run --resume`) or merged with its shards.
 * Written before the first request and again at the end of each session, atomically: the resolved
 * configuration (no key: credentials come from the environment again), the plan identity (dataset
 * and catalog hashes, the plan hash), the shard and one entry per session.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { configError } from '../errors.js';
import { planIdentitySchema, sessionSchema, shardSchema } from '../metrics/summary-schema.js';
import type { PlanIdentity, RunSession, Shard } from '../metrics/types.js';
import { errnoCode, writeFileAtomic } from '../util/fs-util.js';

export const RUN_MANIFEST_FILE = 'run.json';
export const RUN_MANIFEST_FORMAT = 'qfbench-run/1';
const MAX_RUN_MANIFEST_BYTES = 4 * 1024 * 1024;

const runManifestSchema = z.object({
  format: z.literal(RUN_MANIFEST_FORMAT),
  tool: z.object({ name: z.literal('qfbench'), version: z.string() }),
  config: z.record(z.string(), z.unknown()).describe('The resolved run configuration, as `parseRunConfig` takes it back.'),
  plan: planIdentitySchema,
  shard: shardSchema.optional(),
  sessions: z.array(sessionSchema).min(1),
});

export interface RunManifest {
  format: typeof RUN_MANIFEST_FORMAT;
  tool: { name: 'qfbench'; version: string };
  config: Record<string, unknown>;
  plan: PlanIdentity;
  shard?: Shard | undefined;
  sessions: RunSession[];
}

export async function writeRunManifest(dir: string, manifest: RunManifest): Promise<void> {
  await writeFileAtomic(join(dir, RUN_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest of `dir`, undefined when it has none (a run of an older qfbench); a damaged one is refused naming the field. */
export async function readRunManifest(dir: string): Promise<RunManifest | undefined> {
  const path = join(dir, RUN_MANIFEST_FILE);
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_RUN_MANIFEST_BYTES) throw configError(`${path}: ${info.size} bytes, more than a run.json may have`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw configError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = runManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw configError(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'} (not a run.json this qfbench can continue)`);
  }
  const { shard, ...rest } = parsed.data;
  return shard !== undefined ? { ...rest, shard } : rest;
}
