/**
 * `run --resume DIR`: continue a run that stopped (Ctrl-C, a crash, kill -9, a reboot) in its own
 * folder. The plan is rebuilt from run.json's configuration and must hash the same (datasets,
 * catalog entries and every plan-shaping setting unchanged); settings that do not shape the plan
 * (-c, --rpm, timeouts, output flags) may differ and are recorded with the session. Every request
 * with a final outcome is kept; exactly those without one (never sent, cancelled, dropped, in flight
 * at the crash; with --resume-failed also failed, timeout and throttled) are sent again.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { flagName, parseRunConfig, type RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import type { Outcome, PlanIdentity, RunSession } from '../metrics/types.js';
import { readRunManifest, type RunManifest } from '../report/run-manifest.js';
import { filterRequestsCsv } from '../report/requests-csv-repair.js';
import { PLAN_KEYS, withAbsolutePaths } from './plan-keys.js';

export interface ResumeRequest {
  dir: string;
  /** Also re-send failed, timeout and throttled requests. */
  failed: boolean;
}

export interface ResumeState {
  dir: string;
  manifest: RunManifest;
  /** This session's number (the first run was session 0). */
  session: number;
  failed: boolean;
  /** Settings this session changed, by their configuration key. */
  overrides: Record<string, unknown>;
}

/** Outcomes that end a request for good: an answer came (or was refused) after it was sent. */
const FINAL_OUTCOMES: ReadonlySet<Outcome> = new Set(['ok', 'failed', 'timeout', 'throttled']);

/** Keys a resume never takes from the command line: where the run lives and how its folder is claimed. */
const FOLDER_KEYS = ['out', 'force'] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The configuration of the resumed run: run.json's, under the flags given now. A flag that would
 * change the plan is refused (exit 2) naming it; the rest are the session's overrides.
 */
export async function resumedConfig(request: ResumeRequest, flags: Readonly<Record<string, unknown>>): Promise<{ config: RunConfig; state: ResumeState }> {
  const manifest = await readRunManifest(request.dir);
  if (manifest === undefined) throw configError(`--resume ${request.dir}: no run.json there; only a folder a qfbench run wrote can be resumed`);
  for (const key of FOLDER_KEYS) {
    if (flags[key] !== undefined && !(key === 'out' && flags[key] === request.dir)) {
      throw configError(`--resume ${request.dir}: ${flagName(key)} does not go with --resume (the run continues in its own folder, keeping its files)`);
    }
  }
  const stored = parseRunConfig(manifest.config);
  // Paths given now are read from here, as run.json's are absolute.
  const config = parseRunConfig({ ...manifest.config, ...withAbsolutePaths(flags), out: request.dir, force: false });
  for (const key of [...PLAN_KEYS, 'shard', 'shards'] as const) {
    if (!same(config[key], stored[key])) {
      throw configError(
        `--resume ${request.dir}: ${flagName(key)} ${JSON.stringify(config[key] ?? null)} differs from the run's ${JSON.stringify(stored[key] ?? null)}; ` +
          'a resume sends the rest of the same plan (start a new run for another one)',
      );
    }
  }
  if ((config.concurrency.length > 1 || stored.concurrency.length > 1) && !same(config.concurrency, stored.concurrency)) {
    throw configError(`--resume ${request.dir}: -c/--concurrency ${config.concurrency.join(',')} differs from the run's sweep ${stored.concurrency.join(',')}`);
  }
  if (config.duration !== undefined) {
    throw configError(`--resume ${request.dir}: a --duration run has no fixed plan to complete; bound it with --max-requests to make it resumable`);
  }
  const overrides: Record<string, unknown> = {};
  for (const key of Object.keys(flags) as Array<keyof RunConfig>) if (!same(config[key], stored[key])) overrides[key] = config[key];
  return { config, state: { dir: request.dir, manifest, session: manifest.sessions.length, failed: request.failed, overrides } };
}

/** The reason a resume cannot go on with the plan it rebuilt, or undefined when it is the stored one. */
export function planMismatch(stored: PlanIdentity, current: PlanIdentity, datasets: readonly string[]): string | undefined {
  for (const [index, file] of datasets.entries()) {
    if (stored.datasetSha256[index] !== current.datasetSha256[index]) return `dataset ${file} changed since the run (its sha256 differs)`;
  }
  if (stored.catalogSha256 !== current.catalogSha256)
    return "the catalog entries of the run's models changed since the run (a newer qfbench or another --catalog)";
  if (stored.hash !== current.hash) return 'the plan differs from the stored one (a setting that shapes it changed)';
  return undefined;
}

/**
 * Rewrites requests.csv to the rows a resume keeps (the first row of each planned request that has
 * a final outcome), dropping a torn last line, and returns their sequence numbers.
 */
export async function keepFinishedRows(state: ResumeState, planSize: number): Promise<{ kept: Set<number>; removed: number; tornBytes: number }> {
  const kept = new Set<number>();
  const result = await filterRequestsCsv(join(state.dir, 'requests.csv'), ({ seq, outcome, attempts }) => {
    const final = state.failed ? outcome === 'ok' : FINAL_OUTCOMES.has(outcome) && attempts > 0;
    if (!final || seq < 0 || seq >= planSize || kept.has(seq)) return false;
    kept.add(seq);
    return true;
  });
  return { kept, removed: result.removed, tornBytes: result.tornBytes };
}

export function newSession(state: ResumeState | undefined, startedAt: Date): RunSession {
  const session: RunSession = { startedAt: startedAt.toISOString(), host: hostname() };
  if (state?.failed === true) session.resumeFailed = true;
  if (state !== undefined && Object.keys(state.overrides).length > 0) session.overrides = state.overrides;
  return session;
}
