/**
 * Which cell of the base run goes with which cell of the candidate: same model and parameters;
 * the load point decides among several such cells (a sweep).
 */
import { stableParams } from '../metrics/cell-figures.js';
import type { CellLoad, CellSummary, RunSummary } from '../metrics/types.js';
import type { CellRef } from './types.js';

/** The key two cells are matched by: model + parameters. */
export function cellMatchKey(cell: CellSummary): string {
  return `${cell.model}\u0000${stableParams(cell.params)}`;
}

export function loadKey(cell: CellSummary): string {
  return cell.load === undefined ? '' : `${cell.load.kind}=${cell.load.value}`;
}

export function cellRef(cell: CellSummary): CellRef {
  return { id: cell.id, label: cell.label, model: cell.model, params: cell.params, ...(cell.load !== undefined ? { load: cell.load } : {}) };
}

function groupCells(summary: RunSummary): Map<string, CellSummary[]> {
  const groups = new Map<string, CellSummary[]>();
  for (const cell of summary.cells) {
    const key = cellMatchKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return groups;
}

export interface CellPair {
  key: string;
  base: CellSummary;
  candidate: CellSummary;
  /** Paired by load point (one of several load points of the same model and parameters). */
  byLoad: boolean;
}

/**
 * Pairs of cells with the same model and parameters. When a side holds several such cells (the
 * load points of a sweep), they pair by load point; a lone cell on each side pairs whatever its
 * load (comparing a run at -c 8 with one at -c 16 is a fair question).
 */
export function matchCells(base: RunSummary, candidate: RunSummary): { pairs: CellPair[]; onlyBase: CellSummary[]; onlyCandidate: CellSummary[] } {
  const groupsBase = groupCells(base);
  const groupsCandidate = groupCells(candidate);
  const pairs: CellPair[] = [];
  const onlyBase: CellSummary[] = [];
  const onlyCandidate: CellSummary[] = [];
  for (const [key, cellsBase] of groupsBase) {
    const cellsCandidate = groupsCandidate.get(key) ?? [];
    if (cellsBase.length === 1 && cellsCandidate.length === 1) {
      pairs.push({ key, base: cellsBase[0]!, candidate: cellsCandidate[0]!, byLoad: false });
      continue;
    }
    const left = [...cellsCandidate];
    for (const cell of cellsBase) {
      const at = left.findIndex((other) => loadKey(other) === loadKey(cell));
      if (at === -1) {
        onlyBase.push(cell);
        continue;
      }
      const [other] = left.splice(at, 1);
      pairs.push({ key: `${key}\u0000${loadKey(cell)}`, base: cell, candidate: other!, byLoad: true });
    }
    onlyCandidate.push(...left);
  }
  for (const [key, cells] of groupsCandidate) if (!groupsBase.has(key)) onlyCandidate.push(...cells);
  return { pairs, onlyBase, onlyCandidate };
}

function loadText(load: CellLoad | undefined): string {
  return load === undefined ? '?' : load.kind === 'concurrency' ? `c=${load.value}` : `${load.value} req/s`;
}

/** The base cell's label, plus its load point when loads vary or differ between the runs. */
export function comparisonLabel(pair: CellPair): string {
  const lb = pair.base.load;
  const lc = pair.candidate.load;
  const label = pair.base.label;
  if (lb === undefined && lc === undefined) return label;
  if (loadKey(pair.base) !== loadKey(pair.candidate)) return `${label} (${loadText(lb)} → ${loadText(lc)})`;
  return pair.byLoad ? `${label} @ ${loadText(lb)}` : label;
}

const LISTED_UNMATCHED = 5;

function listed(cells: readonly CellRef[]): string {
  if (cells.length === 0) return 'no cells';
  const names = cells.slice(0, LISTED_UNMATCHED).map((cell) => JSON.stringify(cell.label));
  return `${names.join(', ')}${cells.length > LISTED_UNMATCHED ? `, and ${cells.length - LISTED_UNMATCHED} more` : ''}`;
}

/** Why two runs have nothing to compare: the cells of each side, none matching (same model and parameters). */
export function noMatchMessage(baseDir: string, candidateDir: string, unmatched: { base: readonly CellRef[]; candidate: readonly CellRef[] }): string {
  return (
    `compare ${baseDir} ${candidateDir}: no cell matches (cells match by model and parameters); the base has ${listed(unmatched.base)}; the ` +
    `candidate has ${listed(unmatched.candidate)}`
  );
}
