/**
 * Tolerant readers for the optional fields a summary may carry (cost, the load of a sweep, quota
 * seen), so older or partial summaries still render. Reports read them
 * through these functions only, so a field that is missing, null or malformed shows as unknown
 * and never as 0.
 */
import type { CellLoad, CellSummary, RunSummary } from '../metrics/types.js';
import { isFiniteNumber } from './format.js';

export interface CellCost {
  /** Cost in CNY; null when it could not be priced. */
  cny: number | null;
}

export type { CellLoad };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cell's `cost` field: undefined when the cell has none, `{cny: null}` when unknown. */
export function cellCost(cell: CellSummary): CellCost | undefined {
  const cost = (cell as unknown as Record<string, unknown>)['cost'];
  if (cost === undefined) return undefined;
  if (!isObject(cost)) return { cny: null };
  const cny = cost['cny'];
  return { cny: isFiniteNumber(cny) ? cny : null };
}

/** True when at least one cell carries a `cost` field (the report then shows a cost column). */
export function summaryHasCost(summary: RunSummary): boolean {
  return summary.cells.some((cell) => cellCost(cell) !== undefined);
}

/** The cell's `load` (a point of a concurrency or rate sweep), when it carries a valid one. */
export function cellLoad(cell: CellSummary): CellLoad | undefined {
  const load = (cell as unknown as Record<string, unknown>)['load'];
  if (!isObject(load)) return undefined;
  const kind = load['kind'];
  const value = load['value'];
  if ((kind !== 'concurrency' && kind !== 'rate') || !isFiniteNumber(value)) return undefined;
  return { kind, value };
}

/** Quota information the run recorded (shape owned by the run), when present. */
export function summaryQuota(summary: RunSummary): unknown {
  const run = summary.run as unknown as Record<string, unknown>;
  const top = summary as unknown as Record<string, unknown>;
  return run['quota'] ?? top['quota'];
}

/** Parameters as one stable string (keys sorted): equal parameter sets give equal strings. */
export function stableParams(params: Record<string, unknown> | undefined): string {
  const entries = Object.entries(params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** `key=value` pairs of a parameter set, sorted, for labels. */
export function paramsLabel(params: Record<string, unknown> | undefined): string {
  return Object.entries(params ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** The human label of a cell, tolerating summaries without one. */
export function cellLabel(cell: CellSummary): string {
  if (typeof cell.label === 'string' && cell.label !== '') return cell.label;
  const params = paramsLabel(cell.params);
  return params === '' ? String(cell.model ?? cell.id) : `${String(cell.model ?? cell.id)} ${params}`;
}

/** Ok requests of a cell (0 when the outcome counts are missing). */
export function okCount(cell: CellSummary): number {
  const ok = cell.outcomes?.ok;
  return isFiniteNumber(ok) ? ok : 0;
}
