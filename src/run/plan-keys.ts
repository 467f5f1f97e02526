/** Which run settings shape a plan (so a resume may not change them) and which do not. */
import { resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.js';

/** The settings that decide the plan: a resume refuses to change any of them. */
export const PLAN_KEYS = [
  'datasets',
  'models',
  'endpoints',
  'baseModel',
  'params',
  'api',
  'stream',
  'rate',
  'arrival',
  'trace',
  'traceSpeed',
  'traceLimit',
  'duration',
  'maxRequests',
  'repeat',
  'seed',
  'provider',
  'sim',
  'catalog',
] as const satisfies ReadonlyArray<keyof RunConfig>;

/** Settings that name files: run.json keeps them absolute, so a resume from another folder finds them. */
export const PATH_KEYS = ['datasets', 'trace', 'catalog', 'prices', 'record', 'replay', 'baseline', 'junit', 'summaryMd'] as const satisfies ReadonlyArray<
  keyof RunConfig
>;

/** `settings` with every file path made absolute (against the current folder). */
export function withAbsolutePaths<T extends Partial<Record<string, unknown>>>(settings: T): T {
  const resolved: Record<string, unknown> = { ...settings };
  for (const key of PATH_KEYS) {
    const value = resolved[key];
    if (typeof value === 'string') resolved[key] = resolve(value);
    else if (Array.isArray(value)) resolved[key] = value.map((item) => (typeof item === 'string' ? resolve(item) : item));
  }
  return resolved as T;
}
