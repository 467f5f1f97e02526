/**
 * Merging runs made at the same time on several machines (or processes) into one: cells that match
 * by model, parameters and load are added up. Histograms are added (metrics.md: percentiles are
 * never averaged); counts and tokens are summed; throughput is the sum of each shard's, since the
 * shards ran concurrently against the same service. requests.csv files are concatenated with the
 * sequence numbers of each shard moved past the previous ones'.
 */
import { join } from 'node:path';
import { configError, isUserError } from '../errors.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarise } from '../metrics/histogram.js';
import type { CellSummary, DistributionSummary, RunSummary } from '../metrics/types.js';
import { OUTCOMES } from '../metrics/types.js';
import { stableParams } from '../metrics/cell-figures.js';
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
  merged.windowMs = Math.max(...cells.map((cell) => cell.windowMs));
  merged.throughput = {
    requestsPerSec: round3(cells.reduce((sum, cell) => sum + cell.throughput.requestsPerSec, 0)),
    outputTokensPerSec: round3(cells.reduce((sum, cell) => sum + cell.throughput.outputTokensPerSec, 0)),
  };
  merged.histograms = {};
  for (const [name, field, scale] of DISTRIBUTIONS) {
    const parts = cells.map((cell) => cell.histograms[name]).filter((encoded): encoded is string => encoded !== undefined);
    if (parts.length === 0) continue;
    const histogram = mergeHistograms(parts.map(decodeHistogram));
    merged.histograms[name] = encodeHistogram(histogram);
    merged[field] = summarise(histogram, scale);
  }
  // Cost and assertion figures are per shard; a merged cell does not claim them.
  delete merged.cost;
  delete merged.assertions;
  return merged;
}

export function mergeSummaries(summaries: readonly RunSummary[]): RunSummary {
  const first = summaries[0];
  if (first === undefined) throw new RangeError('mergeSummaries needs at least one summary');
  const groups = new Map<string, CellSummary[]>();
  for (const summary of summaries) {
    for (const cell of summary.cells) {
      const group = groups.get(cellKey(cell)) ?? [];
      group.push(cell);
      groups.set(cellKey(cell), group);
    }
  }
  const cells = [...groups.values()].map((group, index) => ({ ...mergeCells(group), id: `c${index + 1}` }));
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
    },
    cells,
  };
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
}

/** Merges run folders into `outDir`: summary.json, requests.csv, summary.csv and report.html. */
export async function mergeRuns(dirs: readonly string[], outDir: string): Promise<MergeResult> {
  if (dirs.length < 2) throw configError('merge: give at least two run folders');
  const summaries: RunSummary[] = [];
  for (const dir of dirs) {
    const path = join(dir, 'summary.json');
    try {
      const summary = await readSummaryJson(path);
      checkHistograms(summary, path);
      summaries.push(summary);
    } catch (error) {
      // The reader's errors name the file and the field; a bug keeps its stack.
      if (isUserError(error)) throw configError(`merge: ${error.message}`);
      throw error;
    }
  }
  const merged = mergeSummaries(summaries);
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
  for (const [index, dir] of dirs.entries()) {
    const offset = requests;
    for await (const record of readRequestsCsv(join(dir, 'requests.csv'))) {
      record.seq += offset;
      record.cellId = idOf.get(`${index}/${record.cellId}`) ?? record.cellId;
      writer.write(record);
      requests++;
      await writer.ready();
    }
  }
  await writer.close();
  await writeSummaryJson(join(outDir, 'summary.json'), merged);
  await rebuildReport(outDir);
  return { outDir, shards: dirs.length, cells: merged.cells.length, requests };
}
