/**
 * Merging the shards of one plan (`--shard I/N`, run on several machines or processes) into one
 * run, with proof: before anything is added, every run must have the same plan hash, provider and
 * catalog, and every slice must be there exactly once (a folder given twice, a missing or a
 * duplicated shard is named). `--force` merges runs of different plans, and every output says so.
 *
 * Cells that match by model, parameters and load are added up: histograms are added (metrics.md:
 * percentiles are never averaged), counts and tokens summed. Rates are summed only over runs whose
 * time windows overlapped (they loaded the service together); runs one after another add their
 * windows instead. requests.csv files are concatenated: shards keep the plan's sequence numbers
 * (each must appear once); runs without a common plan have theirs moved past the previous ones'.
 */
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { configError, isUserError } from '../errors.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarise } from '../metrics/histogram.js';
import type { CellSummary, DistributionSummary, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { okCount, stableParams } from '../metrics/cell-figures.js';
import { makeFolder } from '../util/fs-util.js';
import { openRequestsCsv, readRequestsCsv } from './requests-csv.js';
import { rebuildReport } from './rebuild.js';
import { readSummaryJson, writeSummaryJson } from './summary-json.js';
import { round3 } from '../util/round.js';

/** Histogram name -> the summary field it backs, and the unit scale of summarise(). */
/** The fields of a cell that hold a distribution. */
type DistributionField = { [K in keyof CellSummary]-?: CellSummary[K] extends DistributionSummary ? K : never }[keyof CellSummary];

const DISTRIBUTIONS: ReadonlyArray<readonly [string, DistributionField, number]> = [
  ['latency', 'latencyMs', 1000],
  ['latencySched', 'latencySchedMs', 1000],
  ['ttft', 'ttftMs', 1000],
  ['ttftSched', 'ttftSchedMs', 1000],
  ['tpot', 'tpotMs', 1000],
  ['interChunk', 'interChunkMs', 1000],
  ['queueWait', 'queueWaitMs', 1000],
  ['promptTokens', 'promptTokensPerRequest', 1],
  ['completionTokens', 'completionTokensPerRequest', 1],
];

function cellKey(cell: CellSummary): string {
  return JSON.stringify([cell.model, cell.endpoint, stableParams(cell.params), cell.load?.kind ?? null, cell.load?.value ?? null]);
}

/** Adds cells that describe the same model, parameters and load in different shards. */
export function mergeCells(cells: readonly CellSummary[]): CellSummary {
  const first = cells[0];
  if (first === undefined) throw new RangeError('mergeCells needs at least one cell');
  const merged: CellSummary = structuredClone(first);
  merged.planned = cells.reduce((sum, cell) => sum + cell.planned, 0);
  merged.attempts = cells.reduce((sum, cell) => sum + cell.attempts, 0);
  for (const outcome of OUTCOMES) merged.outcomes[outcome] = cells.reduce((sum, cell) => sum + cell.outcomes[outcome], 0);
  merged.errors = {};
  for (const cell of cells) {
    for (const [code, entry] of Object.entries(cell.errors)) {
      const target = (merged.errors[code] ??= { count: 0, message: entry.message });
      target.count += entry.count;
    }
  }
  merged.tokens = {
    prompt: cells.reduce((sum, cell) => sum + cell.tokens.prompt, 0),
    completion: cells.reduce((sum, cell) => sum + cell.tokens.completion, 0),
    total: cells.reduce((sum, cell) => sum + cell.tokens.total, 0),
  };
  if (cells.some((cell) => cell.tokens.reasoning !== undefined)) merged.tokens.reasoning = cells.reduce((sum, cell) => sum + (cell.tokens.reasoning ?? 0), 0);
  Object.assign(merged, mergedRates(cells.map((cell) => ({ cell, group: 0 }))));
  merged.histograms = {};
  for (const [name, field, scale] of DISTRIBUTIONS) {
    const parts = cells.map((cell) => cell.histograms[name]).filter((encoded): encoded is string => encoded !== undefined);
    if (parts.length === 0) continue;
    const histogram = mergeHistograms(parts.map(decodeHistogram));
    merged.histograms[name] = encodeHistogram(histogram);
    merged[field] = summarise(histogram, scale);
  }
  // Reasoning models only (metrics definition 2): the optional time to first reasoning token.
  const ttfrtParts = cells.map((cell) => cell.histograms.ttfrt).filter((encoded): encoded is string => encoded !== undefined);
  if (ttfrtParts.length > 0) {
    const histogram = mergeHistograms(ttfrtParts.map(decodeHistogram));
    merged.histograms.ttfrt = encodeHistogram(histogram);
    merged.ttfrtMs = summarise(histogram, 1000);
  }
  // Cost and assertion figures are per shard; a merged cell does not claim them.
  delete merged.cost;
  delete merged.assertions;
  return merged;
}

/** Groups of runs (indexes) whose [startedAt, endedAt] windows overlap, transitively; in order of start. */
export function overlapGroups(summaries: readonly RunSummary[]): number[][] {
  const spans = summaries
    .map((summary, index) => ({ index, start: Date.parse(summary.run.startedAt), end: Date.parse(summary.run.endedAt) }))
    .sort((a, b) => a.start - b.start || a.index - b.index);
  const groups: number[][] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    const current = groups[groups.length - 1];
    if (current !== undefined && span.start <= groupEnd) {
      current.push(span.index);
      groupEnd = Math.max(groupEnd, span.end);
    } else {
      groups.push([span.index]);
      groupEnd = span.end;
    }
  }
  for (const group of groups) group.sort((a, b) => a - b);
  return groups;
}

/**
 * A merged cell's rates: within a group of overlapping runs the shards' rates add up (they ran at
 * once) over the longest of their windows; groups that ran one after another add their windows.
 */
function mergedRates(parts: ReadonlyArray<{ cell: CellSummary; group: number }>): Pick<CellSummary, 'windowMs' | 'throughput'> {
  const byGroup = new Map<number, CellSummary[]>();
  for (const { cell, group } of parts) byGroup.set(group, [...(byGroup.get(group) ?? []), cell]);
  if (byGroup.size === 1) {
    const cells = parts.map((part) => part.cell);
    return {
      windowMs: Math.max(...cells.map((cell) => cell.windowMs)),
      throughput: {
        requestsPerSec: round3(cells.reduce((sum, cell) => sum + cell.throughput.requestsPerSec, 0)),
        outputTokensPerSec: round3(cells.reduce((sum, cell) => sum + cell.throughput.outputTokensPerSec, 0)),
      },
    };
  }
  let windowMs = 0;
  let ok = 0;
  let tokens = 0;
  for (const cells of byGroup.values()) {
    windowMs += Math.max(...cells.map((cell) => cell.windowMs));
    ok += okCount(cells);
    tokens += cells.reduce((sum, cell) => sum + cell.tokens.completion, 0);
  }
  const perSecond = (count: number): number => (windowMs > 0 ? round3(count / (windowMs / 1000)) : 0);
  return { windowMs: round3(windowMs), throughput: { requestsPerSec: perSecond(ok), outputTokensPerSec: perSecond(tokens) } };
}

export interface MergeLabel {
  dirs: readonly string[];
  forced: boolean;
}

export function mergeSummaries(
  summaries: readonly RunSummary[],
  label: MergeLabel = { dirs: summaries.map((_, index) => `run ${index + 1}`), forced: false },
): RunSummary {
  const first = summaries[0];
  if (first === undefined) throw new RangeError('mergeSummaries needs at least one summary');
  const groupsOfRuns = overlapGroups(summaries);
  const groupOf = new Map<number, number>();
  groupsOfRuns.forEach((group, groupIndex) => group.forEach((run) => groupOf.set(run, groupIndex)));
  const groups = new Map<string, Array<{ cell: CellSummary; group: number }>>();
  for (const [runIndex, summary] of summaries.entries()) {
    for (const cell of summary.cells) {
      const group = groups.get(cellKey(cell)) ?? [];
      group.push({ cell, group: groupOf.get(runIndex) ?? 0 });
      groups.set(cellKey(cell), group);
    }
  }
  const cells = [...groups.values()].map((parts, index) => ({ ...mergeCells(parts.map((part) => part.cell)), ...mergedRates(parts), id: `c${index + 1}` }));
  const starts = summaries.map((summary) => Date.parse(summary.run.startedAt));
  const ends = summaries.map((summary) => Date.parse(summary.run.endedAt));
  const merged: RunSummary = {
    schemaVersion: 1,
    tool: first.tool,
    run: {
      ...first.run,
      startedAt: new Date(Math.min(...starts)).toISOString(),
      endedAt: new Date(Math.max(...ends)).toISOString(),
      durationMs: Math.max(...ends) - Math.min(...starts),
      simulated: summaries.some((summary) => summary.run.simulated),
      interrupted: summaries.some((summary) => summary.run.interrupted),
      datasets: first.run.datasets,
      models: [...new Set(summaries.flatMap((summary) => summary.run.models))],
      sessions: summaries.flatMap((summary) =>
        (summary.run.sessions ?? []).map((session) => (summary.run.shard !== undefined ? { ...session, shard: summary.run.shard } : session)),
      ),
      merged: {
        runs: summaries.map((summary, index) => {
          const host = summary.run.sessions?.[0]?.host;
          return {
            dir: label.dirs[index] ?? `run ${index + 1}`,
            ...(host !== undefined ? { host } : {}),
            ...(summary.run.shard !== undefined ? { shard: summary.run.shard } : {}),
            startedAt: summary.run.startedAt,
            endedAt: summary.run.endedAt,
          };
        }),
        overlapGroups: groupsOfRuns,
        forced: label.forced,
      },
    },
    cells,
  };
  delete merged.run.shard;
  delete merged.run.rebuiltFromRows;
  if (first.load !== undefined) merged.load = first.load;
  return merged;
}

/** Merging decodes every histogram: a damaged one is the file's fault, named like a bad field. */
function checkHistograms(summary: RunSummary, path: string): void {
  for (const [index, cell] of summary.cells.entries()) {
    for (const [name, encoded] of Object.entries(cell.histograms)) {
      try {
        decodeHistogram(encoded);
      } catch {
        throw configError(`${path}: cells[${index}].histograms.${name}: not a valid encoded histogram`);
      }
    }
  }
}

export interface MergeResult {
  outDir: string;
  shards: number;
  cells: number;
  requests: number;
  summary: RunSummary;
  /** Planned requests of the shards' plan that no shard has a row for (an interrupted shard); 0 without a common plan. */
  missingRequests: number;
}

export interface MergeOptions {
  /** Merge runs of different plans (or without one) anyway; every output says so. */
  force?: boolean;
}

interface MergeInput {
  dir: string;
  summary: RunSummary;
}

const shardName = (shard: { index: number; count: number } | undefined): string =>
  shard === undefined ? 'the whole plan' : `shard ${shard.index}/${shard.count}`;

/**
 * The proof before adding: one plan, one provider, one catalog, and each slice exactly once.
 * Returns whether the merge is forced (some check failed and --force overrode it).
 */
export function checkMergeable(inputs: readonly MergeInput[], force: boolean): { forced: boolean } {
  const problems: string[] = [];
  const [first, ...rest] = inputs;
  if (first === undefined) return { forced: false };
  const plan = first.summary.run.plan;
  for (const input of inputs) {
    const other = input.summary.run.plan;
    if (other === undefined) problems.push(`${input.dir} has no plan hash (a run of an older qfbench)`);
    else if (plan !== undefined && other.hash !== plan.hash)
      problems.push(`${input.dir} ran another plan than ${first.dir} (plan hash ${other.hash.slice(0, 12)}… vs ${plan.hash.slice(0, 12)}…)`);
  }
  for (const input of rest) {
    if (input.summary.run.provider !== first.summary.run.provider)
      problems.push(`${input.dir} used provider ${input.summary.run.provider}, ${first.dir} ${first.summary.run.provider}`);
    const catalog = input.summary.run.plan?.catalogSha256;
    if (catalog !== undefined && plan !== undefined && catalog !== plan.catalogSha256)
      problems.push(`${input.dir} had other catalog entries for its models than ${first.dir}`);
  }
  // Each slice once: shards of one count, none missing, none twice (two whole-plan runs are the one slice twice).
  const count = first.summary.run.shard?.count ?? 1;
  const holders = new Map<number, string[]>();
  for (const input of inputs) {
    const shard = input.summary.run.shard;
    if ((shard?.count ?? 1) !== count)
      problems.push(`${input.dir} is ${shardName(shard)}, ${first.dir} ${shardName(first.summary.run.shard)}: not slices of one split`);
    const index = shard?.index ?? 1;
    holders.set(index, [...(holders.get(index) ?? []), input.dir]);
  }
  for (const [index, dirs] of [...holders].sort((a, b) => a[0] - b[0])) {
    if (dirs.length > 1)
      problems.push(`${count === 1 ? 'the whole plan' : `shard ${index}/${count}`} is in ${dirs.join(' and ')}: merging would count its requests twice`);
  }
  const missing: string[] = [];
  for (let index = 1; index <= count; index++) if (!holders.has(index)) missing.push(`${index}/${count}`);
  if (missing.length > 0) problems.push(`shard ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  if (problems.length === 0) return { forced: false };
  if (!force) throw configError(`merge: ${problems.join('; ')} (--force merges anyway, and every output then says so)`);
  return { forced: true };
}

/** Merges run folders into `outDir`: summary.json, requests.csv, summary.csv and report.html. */
export async function mergeRuns(dirs: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeResult> {
  if (dirs.length < 2) throw configError('merge: give at least two run folders');
  const inputs: MergeInput[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const real = await realpath(dir).catch(() => dir);
    const earlier = seen.get(real);
    if (earlier !== undefined) throw configError(`merge: ${earlier} and ${dir} are the same folder: merging it twice would count its requests twice`);
    seen.set(real, dir);
    const path = join(dir, 'summary.json');
    try {
      const summary = await readSummaryJson(path);
      checkHistograms(summary, path);
      inputs.push({ dir, summary });
    } catch (error) {
      // The reader's errors name the file and the field; a bug keeps its stack.
      if (isUserError(error)) {
        const killed = errnoCodeOf(error) === 'ENOENT' || /no such file/i.test(error.message);
        throw configError(`merge: ${error.message}${killed ? ` (a killed run: \`qfbench run --resume ${dir}\` completes it)` : ''}`);
      }
      throw error;
    }
  }
  const { forced } = checkMergeable(inputs, options.force === true);
  const summaries = inputs.map((input) => input.summary);
  const merged = mergeSummaries(summaries, { dirs, forced });
  // Shards of one fixed plan keep its sequence numbers: each must come once, and the count says what is missing.
  const planSize = forced ? undefined : summaries[0]?.run.plan?.size;
  // Cell ids differ between shards; the merged file uses the merged cells' ids.
  const idOf = new Map<string, string>();
  for (const [index, summary] of summaries.entries()) {
    for (const cell of summary.cells) {
      const target = merged.cells.find((candidate) => cellKey(candidate) === cellKey(cell));
      if (target !== undefined) idOf.set(`${index}/${cell.id}`, target.id);
    }
  }
  // Not mkdir({ recursive }): it retries forever under /proc (see makeFolder).
  await makeFolder(outDir);
  const writer = openRequestsCsv(join(outDir, 'requests.csv'));
  let requests = 0;
  const seqs = new Set<number>();
  let sessionBase = 0;
  for (const [index, dir] of dirs.entries()) {
    const offset = requests;
    // The merged run lists every run's sessions one after another; a row points at its own.
    const base = sessionBase;
    sessionBase += Math.max(1, summaries[index]?.run.sessions?.length ?? 1);
    for await (const record of readRequestsCsv(join(dir, 'requests.csv'))) {
      record.session = base + (record.session ?? 0);
      if (planSize !== undefined) {
        if (seqs.has(record.seq))
          throw configError(`merge: request ${record.seq} of the plan is in two runs (again in ${dir}); each planned request belongs to one shard`);
        seqs.add(record.seq);
      } else {
        record.seq += offset;
      }
      record.cellId = idOf.get(`${index}/${record.cellId}`) ?? record.cellId;
      writer.write(record);
      requests++;
      await writer.ready();
    }
  }
  await writer.close();
  await writeSummaryJson(join(outDir, 'summary.json'), merged);
  await rebuildReport(outDir);
  return {
    outDir,
    shards: dirs.length,
    cells: merged.cells.length,
    requests,
    summary: merged,
    missingRequests: planSize !== undefined ? Math.max(0, planSize - seqs.size) : 0,
  };
}

function errnoCodeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
