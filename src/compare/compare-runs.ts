/**
 * Compare two runs: cells are matched by model + parameters (+ load point, for sweeps), and for
 * each matched cell every metric gets a delta with a confidence statement computed from the
 * per-request rows:
 * - latency and TTFT p50/p95/p99: bootstrap interval of the difference of percentiles, plus a
 *   Mann-Whitney U test of the whole distribution;
 * - error and throttle rate: Newcombe interval of the difference and a two-proportion z-test;
 * - throughput: the summary's rates, with an interval from a bootstrap of the gaps between ok
 *   completions (read it as indicative: cells of one run share the server);
 * - mean prompt / completion tokens per ok request: bootstrap interval of the difference of means;
 * - cost, when both cells have it: the delta only (it follows the token counts);
 * - the assertion pass rate, when either run checked assertions: an exact McNemar test on the
 *   verdicts paired by row and repeat, or a Fisher exact test on the counts (see pass-rate.ts),
 *   with the rows whose verdict changed.
 * A change is a regression or an improvement only when its interval excludes 0 AND its relative
 * size is beyond the tolerance (see `judge`).
 *
 * Pure: it reads no files and renders nothing. The caller hands in each run's parsed summary and
 * its request rows (report/compare/read-run.ts streams them from a folder; `--baseline` passes
 * the finished run's records from memory).
 */
import { configError } from '../errors.js';
import type { RunSummary } from '../metrics/types.js';
import { compareCell } from './deltas.js';
import { cellRef, matchCells } from './match.js';
import { collectCellSamples, type SampleRows } from './samples.js';
import { DEFAULT_COMPARE_OPTIONS, type CompareOptions, type ComparisonResult, type ResolvedCompareOptions, type RunRef } from './types.js';

/** One side of a comparison: its summary, its request rows, and the folder that names it in the result. */
export interface ComparedRun {
  dir: string;
  summary: RunSummary;
  requests: SampleRows;
}

function runRef(dir: string, summary: RunSummary): RunRef {
  return {
    dir,
    startedAt: summary.run.startedAt,
    simulated: summary.run.simulated,
    version: summary.tool.version,
    models: summary.run.models,
    seed: summary.run.seed,
  };
}

export function resolveCompareOptions(options: CompareOptions): ResolvedCompareOptions {
  const resolved = { ...DEFAULT_COMPARE_OPTIONS };
  for (const [key, value] of Object.entries(options) as Array<[keyof CompareOptions, number | undefined]>) {
    if (value !== undefined) resolved[key] = value;
  }
  if (!(resolved.tolerance >= 0)) throw configError(`--tolerance ${resolved.tolerance}: must be 0 or more (0.05 = 5%)`);
  if (!(resolved.confidence > 0 && resolved.confidence < 1)) throw configError(`confidence ${resolved.confidence}: must be between 0 and 1`);
  if (!(Number.isInteger(resolved.resamples) && resolved.resamples >= 100))
    throw configError(`resamples ${resolved.resamples}: must be an integer of 100 or more`);
  if (!(Number.isInteger(resolved.maxSamples) && resolved.maxSamples >= 10))
    throw configError(`maxSamples ${resolved.maxSamples}: must be an integer of 10 or more`);
  if (!(Number.isInteger(resolved.minSamples) && resolved.minSamples >= 2))
    throw configError(`minSamples ${resolved.minSamples}: must be an integer of 2 or more`);
  return resolved;
}

/** Compare `candidate` against `base`. */
export async function compareRuns(base: ComparedRun, candidate: ComparedRun, options: CompareOptions = {}): Promise<ComparisonResult> {
  const resolved = resolveCompareOptions(options);
  const { pairs, onlyBase, onlyCandidate } = matchCells(base.summary, candidate.summary);

  const idsBase = new Map(pairs.map((pair) => [pair.base.id, pair.key]));
  const idsCandidate = new Map(pairs.map((pair) => [pair.candidate.id, pair.key]));
  const sampleOptions = { maxSamples: resolved.maxSamples, seed: resolved.seed };
  const [samplesBase, samplesCandidate] = await Promise.all([
    collectCellSamples(base.requests, idsBase, sampleOptions),
    collectCellSamples(candidate.requests, idsCandidate, sampleOptions),
  ]);

  const matched = pairs.map((pair) => compareCell(pair, samplesBase.get(pair.base.id)!, samplesCandidate.get(pair.candidate.id)!, resolved));
  const verdicts = matched.flatMap((cell) => cell.deltas.map((d) => d.verdict));
  const regressions = verdicts.filter((v) => v === 'regression').length;
  return {
    base: runRef(base.dir, base.summary),
    candidate: runRef(candidate.dir, candidate.summary),
    options: resolved,
    matched,
    unmatched: { base: onlyBase.map(cellRef), candidate: onlyCandidate.map(cellRef) },
    regressions,
    improvements: verdicts.filter((v) => v === 'improvement').length,
    hasRegression: regressions > 0,
  };
}
