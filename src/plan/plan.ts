/**
 * Expands models x parameter sets x rows x repeats into cells and an ordered list of requests.
 * The order is a seeded blocked interleave: for each repeat, rows in a shuffled order, and for each
 * row every cell in a shuffled order. Each cell meets each row at nearly the same moment, so no
 * cell gets all the quiet (or all the busy) minutes of the server.
 */
import { expandGrid, formatParams, type ParamGrid } from '../config/params.js';
import type { DatasetRow } from '../dataset/types.js';
import type { SessionTurn } from '../dataset/sessions.js';
import type { ApiKind, Params } from '../providers/types.js';
import { seededRandom, shuffleInPlace } from '../util/random.js';

export interface ModelTarget {
  /** The name the user gave, resolved to its catalog spelling when known. */
  model: string;
  endpoint: string;
  /** Embedding and reranker models make cells of their own API (latency and tokens, no stream). */
  kind?: 'chat' | 'embedding' | 'reranker' | 'text2image' | 'tokenizer';
}

/** The API a target's cells use: its model kind's, or the run's `--api` for chat models. */
export function apiOfTarget(target: Pick<ModelTarget, 'kind'>, runApi: ApiKind): ApiKind {
  if (target.kind === 'embedding') return 'embeddings';
  if (target.kind === 'reranker') return 'reranker';
  if (target.kind === 'text2image') return 'text2image';
  if (target.kind === 'tokenizer') return 'tokenizer';
  return runApi;
}

export interface CellPlan {
  id: string;
  index: number;
  /** The API family of this cell's requests (embedding models use `embeddings`, reranker models `reranker`). */
  api: ApiKind;
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
  /** A trace replay: this request is due this long after the run's start (every cell of one arrival alike). */
  dueOffsetMs?: number;
  /** A turn of a --sessions conversation: its row carries the history built from the real answers. */
  turn?: SessionTurn;
}

/** A trace replay's arrivals in time order: each is sent to every cell at its offset (ms from the start). */
export interface PlanTrace {
  arrivals: readonly { row: DatasetRow; offsetMs: number; repeat: number }[];
}

export interface Plan {
  cells: CellPlan[];
  /** Planned requests per cell (rows x repeats). */
  requestsPerCell: number;
  /** Total planned requests. */
  size: number;
  /**
   * The requests in dispatch order, generated lazily so memory does not grow with the size of
   * the run. Each call starts the same seeded sequence again. With `cycle`, the plan repeats
   * without end (repeat numbers keep counting up), for runs bounded by time or a request count.
   */
  requests(options?: { cycle?: boolean }): Iterable<RequestPlan>;
  api: ApiKind;
  stream: boolean;
}

export interface PlanInput {
  /** A stage of a sweep: its cells get ids after `cellIdOffset` and the stage in their label. */
  stage?: { cellIdOffset: number; label: string };
  targets: readonly ModelTarget[];
  grid: ParamGrid;
  rows: readonly DatasetRow[];
  repeat: number;
  seed: number;
  api: ApiKind;
  stream: boolean;
  /** Replay a trace: its arrivals are the requests, in time order, and `rows`/`repeat` give way to them. */
  trace?: PlanTrace;
}

/** A cell's human label: its model, then its parameters (`temperature=0.3 top_p=0.8`). */
export function cellLabel(model: string, paramsText: string): string {
  return paramsText === '' ? model : `${model} ${paramsText.replaceAll(';', ' ')}`;
}

export function buildCells(targets: readonly ModelTarget[], grid: ParamGrid, api: ApiKind, stage?: PlanInput['stage']): CellPlan[] {
  const paramSets = expandGrid(grid);
  const cells: CellPlan[] = [];
  for (const target of targets) {
    for (const params of paramSets) {
      const paramsText = formatParams(params);
      const index = cells.length;
      const label = cellLabel(target.model, paramsText);
      cells.push({
        id: `c${(stage?.cellIdOffset ?? 0) + index + 1}`,
        index,
        api: apiOfTarget(target, api),
        label: stage === undefined ? label : `${label} ${stage.label}`,
        model: target.model,
        endpoint: target.endpoint,
        params,
        paramsText,
      });
    }
  }
  return cells;
}

/** The settings that shape a run's plan (a RunConfig fits), and its validated ingredients (a PreparedRun fits). */
export type PlanSettings = Pick<PlanInput, 'repeat' | 'seed' | 'api' | 'stream'>;
export type PlanIngredients = Pick<PlanInput, 'targets' | 'grid' | 'rows' | 'trace'>;

/**
 * The plan of a run: the one place its settings and ingredients become requests, so the run, its
 * estimate and its recordings plan alike. `overrides` sets a sweep's stage or a single pass.
 */
export function planOfRun(settings: PlanSettings, ingredients: PlanIngredients, overrides: Partial<Pick<PlanInput, 'stage' | 'repeat'>> = {}): Plan {
  const { targets, grid, rows, trace } = ingredients;
  const { repeat, seed, api, stream } = settings;
  return buildPlan({ targets, grid, rows, repeat, seed, api, stream, ...(trace !== undefined ? { trace } : {}), ...overrides });
}

export function buildPlan(input: PlanInput): Plan {
  const cells = buildCells(input.targets, input.grid, input.api, input.stage);
  if (input.trace !== undefined) return tracePlan(cells, input.trace, input);
  const rows = [...input.rows];
  function* requests(options: { cycle?: boolean } = {}): Generator<RequestPlan> {
    const random = seededRandom(input.seed);
    let seq = 0;
    if (rows.length === 0 || cells.length === 0) return;
    for (let repeat = 0; options.cycle === true || repeat < input.repeat; repeat++) {
      for (const row of shuffleInPlace([...rows], random)) {
        for (const cell of shuffleInPlace([...cells], random)) yield { seq: seq++, cell, row, repeat };
      }
    }
  }
  const requestsPerCell = rows.length * input.repeat;
  return { cells, requestsPerCell, size: requestsPerCell * cells.length, requests, api: input.api, stream: input.stream };
}

/** One request per arrival and cell, in arrival order; the cells of one arrival in a seeded order, all due at its instant. */
function tracePlan(cells: CellPlan[], trace: PlanTrace, input: Pick<PlanInput, 'seed' | 'api' | 'stream'>): Plan {
  function* requests(): Generator<RequestPlan> {
    const random = seededRandom(input.seed);
    let seq = 0;
    for (const arrival of trace.arrivals) {
      for (const cell of shuffleInPlace([...cells], random))
        yield { seq: seq++, cell, row: arrival.row, repeat: arrival.repeat, dueOffsetMs: arrival.offsetMs };
    }
  }
  const requestsPerCell = trace.arrivals.length;
  return { cells, requestsPerCell, size: requestsPerCell * cells.length, requests, api: input.api, stream: input.stream };
}
