/** Which run settings shape a plan (so a resume may not change them) and which do not. */
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
  'duration',
  'maxRequests',
  'repeat',
  'seed',
  'provider',
  'sim',
  'catalog',
] as const satisfies ReadonlyArray<keyof RunConfig>;
