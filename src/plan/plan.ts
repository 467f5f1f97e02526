/**
 * Expands models x parameter sets x rows x repeats into cells and an ordered list of requests.
 * The order is a seeded blocked interleave: for each repeat, rows in a shuffled order, and for each
 * row every cell in a shuffled order. Each cell meets each row at nearly the same moment, so no
 * cell gets all the quiet (or all the busy) minutes of the server.
 */
import { expandGrid, formatParams, type ParamGrid } from '../config/params.js';
import type { DatasetRow } from '../dataset/types.js';
import type { ApiKind, Params } from '../providers/types.js';
import { seededRandom, shuffleInPlace } from '../util/random.js';

export interface ModelTarget {
  /** The name the user gave, resolved to its catalog spelling when known. */
  model: string;
  endpoint: string;
}

export interface CellPlan {
  id: string;
  index: number;
  label: string;
  model: string;
  endpoint: string;
  params: Params;
  paramsText: string;
}

export interface RequestPlan {
  seq: number;
  cell: CellPlan;
  row: DatasetRow;
  repeat: number;
}

export interface Plan {
  cells: CellPlan[];
  /** Planned requests per cell (rows x repeats). */
  requestsPerCell: number;
  /** Total planned requests. */
  size: number;
  /**
   * The requests in dispatch order, generated lazily so memory does not grow with the size of
   * the run. Each call starts the same seeded sequence again.
   */
  requests(): Iterable<RequestPlan>;
  api: ApiKind;
  stream: boolean;
}

export interface PlanInput {
  targets: readonly ModelTarget[];
  grid: ParamGrid;
  rows: readonly DatasetRow[];
  repeat: number;
  seed: number;
  api: ApiKind;
  stream: boolean;
}

export function buildCells(targets: readonly ModelTarget[], grid: ParamGrid): CellPlan[] {
  const paramSets = expandGrid(grid);
  const cells: CellPlan[] = [];
  for (const target of targets) {
    for (const params of paramSets) {
      const paramsText = formatParams(params);
      const index = cells.length;
      cells.push({
        id: `c${index + 1}`,
        index,
        label: paramsText === '' ? target.model : `${target.model} ${paramsText.replaceAll(';', ' ')}`,
        model: target.model,
        endpoint: target.endpoint,
        params,
        paramsText,
      });
    }
  }
  return cells;
}

export function buildPlan(input: PlanInput): Plan {
  const cells = buildCells(input.targets, input.grid);
  const rows = [...input.rows];
  function* requests(): Generator<RequestPlan> {
    const random = seededRandom(input.seed);
    let seq = 0;
    for (let repeat = 0; repeat < input.repeat; repeat++) {
      for (const row of shuffleInPlace([...rows], random)) {
        for (const cell of shuffleInPlace([...cells], random)) yield { seq: seq++, cell, row, repeat };
      }
    }
  }
  const requestsPerCell = rows.length * input.repeat;
  return { cells, requestsPerCell, size: requestsPerCell * cells.length, requests, api: input.api, stream: input.stream };
}
