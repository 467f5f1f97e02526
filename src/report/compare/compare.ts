/**
 * Compare two runs: cells are matched by model + parameters (+ load point, for sweeps), and for
 * each matched cell every metric gets a delta with a confidence statement computed from the
 * per-request rows of requests.csv:
 * - latency and TTFT p50/p95/p99: bootstrap interval of the difference of percentiles, plus a
 *   Mann-Whitney U test of the whole distribution;
 * - error and throttle rate: Newcombe interval of the difference and a two-proportion z-test;
 * - throughput: the summary's rates, with an interval from a bootstrap of the gaps between ok
 *   completions (read it as indicative: cells of one run share the server);
 * - mean prompt / completion tokens per ok request: bootstrap interval of the difference of means;
 * - cost, when both cells have it: the delta only (it follows the token counts).
 * A change is a regression or an improvement only when its interval excludes 0 AND its relative
 * size is beyond the tolerance (see `judge`).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { configError } from '../../errors.js';
import type { RunSummary } from '../../metrics/types.js';
import { isFiniteNumber } from '../format.js';
import { readSummaryJson } from '../summary-json.js';
import { compareCell } from './deltas.js';
import { cellRef, matchCells } from './match.js';
import { collectCellSamples } from './samples.js';
import { DEFAULT_COMPARE_OPTIONS, type CompareOptions, type ComparisonResult, type ResolvedCompareOptions, type RunRef } from './types.js';

export * from './types.js';
export { cellMatchKey, matchCells, noMatchMessage } from './match.js';

async function mustExist(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw configError(`${path}: missing; ${what}`);
  }
}

async function loadRun(dir: string): Promise<{ summary: RunSummary; requestsPath: string }> {
  const summaryPath = join(dir, 'summary.json');
  const requestsPath = join(dir, 'requests.csv');
  await mustExist(summaryPath, 'give the folder a qfbench run wrote');
  await mustExist(requestsPath, 'the comparison computes its confidence from the per-request rows');
  return { summary: await readSummaryJson(summaryPath), requestsPath };
}

function runRef(dir: string, summary: RunSummary): RunRef {
  return {
    dir,
    startedAt: String(summary.run?.startedAt ?? ''),
    simulated: summary.run?.simulated === true,
    version: String(summary.tool?.version ?? ''),
    models: (summary.run?.models ?? []).map(String),
    seed: isFiniteNumber(summary.run?.seed) ? summary.run.seed : null,
  };
}

function resolveOptions(options: CompareOptions): ResolvedCompareOptions {
  const resolved = { ...DEFAULT_COMPARE_OPTIONS };
  for (const [key, value] of Object.entries(options) as Array<[keyof CompareOptions, number | undefined]>) {
    if (value !== undefined) resolved[key] = value;
  }
  if (!(resolved.tolerance >= 0)) throw configError(`--tolerance ${resolved.tolerance}: must be 0 or more (0.05 = 5%)`);
  if (!(resolved.confidence > 0 && resolved.confidence < 1)) throw configError(`confidence ${resolved.confidence}: must be between 0 and 1`);
  if (!(Number.isInteger(resolved.resamples) && resolved.resamples >= 100)) throw configError(`resamples ${resolved.resamples}: must be an integer of 100 or more`);
  if (!(Number.isInteger(resolved.maxSamples) && resolved.maxSamples >= 10)) throw configError(`maxSamples ${resolved.maxSamples}: must be an integer of 10 or more`);
  if (!(Number.isInteger(resolved.minSamples) && resolved.minSamples >= 2)) throw configError(`minSamples ${resolved.minSamples}: must be an integer of 2 or more`);
  return resolved;
}

/** Compare the run in `candidateDir` against the run in `baseDir` (folders a qfbench run wrote). */
export async function compareRuns(baseDir: string, candidateDir: string, options: CompareOptions = {}): Promise<ComparisonResult> {
  const resolved = resolveOptions(options);
  const [base, candidate] = await Promise.all([loadRun(baseDir), loadRun(candidateDir)]);
  const { pairs, onlyBase, onlyCandidate } = matchCells(base.summary, candidate.summary);

  const idsBase = new Map(pairs.map((pair) => [pair.base.id, pair.key]));
  const idsCandidate = new Map(pairs.map((pair) => [pair.candidate.id, pair.key]));
  const sampleOptions = { maxSamples: resolved.maxSamples, seed: resolved.seed };
  const [samplesBase, samplesCandidate] = await Promise.all([collectCellSamples(base.requestsPath, idsBase, sampleOptions), collectCellSamples(candidate.requestsPath, idsCandidate, sampleOptions)]);

  const matched = pairs.map((pair) => compareCell(pair, samplesBase.get(pair.base.id)!, samplesCandidate.get(pair.candidate.id)!, resolved));
  const verdicts = matched.flatMap((cell) => cell.deltas.map((d) => d.verdict));
  const regressions = verdicts.filter((v) => v === 'regression').length;
  return {
    base: runRef(baseDir, base.summary),
    candidate: runRef(candidateDir, candidate.summary),
    options: resolved,
    matched,
    unmatched: { base: onlyBase.map(cellRef), candidate: onlyCandidate.map(cellRef) },
    regressions,
    improvements: verdicts.filter((v) => v === 'improvement').length,
    hasRegression: regressions > 0,
  };
}
