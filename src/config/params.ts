/**
 * `-p key=v1,v2` parameter grids. Known Qianfan parameters get their real types; a value that
 * does not fit is refused here, before anything is sent. A key that no model of the run accepts
 * is refused too (a typo would run a cell labelled with a parameter the server ignored), unless
 * --allow-unknown-params; such keys then pass through as JSON scalars or strings, never silently coerced.
 */
import { configError } from '../errors.js';
import { closestName } from './did-you-mean.js';
import type { ParamValue, Params } from '../providers/types.js';

type ParamType = 'number' | 'integer' | 'boolean' | 'string' | 'string-list';

/** v1 request fields (qianfan-api.md section 3) and the OpenAI names qfbench maps onto them. */
export const KNOWN_PARAMS: Record<string, ParamType> = {
  temperature: 'number',
  top_p: 'number',
  top_k: 'integer',
  penalty_score: 'number',
  max_output_tokens: 'integer',
  min_output_tokens: 'integer',
  frequency_penalty: 'number',
  presence_penalty: 'number',
  stop: 'string-list',
  user_id: 'string',
  user_ip: 'string',
  response_format: 'string',
  disable_search: 'boolean',
  enable_citation: 'boolean',
  enable_trace: 'boolean',
  enable_system_memory: 'boolean',
  system_memory_id: 'string',
  seed: 'integer',
  // Rerankers: how many of the best documents to return.
  top_n: 'integer',
  // Text-to-image (Stable-Diffusion-XL).
  steps: 'integer',
  n: 'integer',
  size: 'string',
  negative_prompt: 'string',
  sampler_index: 'string',
  cfg_scale: 'number',
  style: 'string',
};

export type ParamGrid = Record<string, ParamValue[]>;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseValue(key: string, raw: string, flag: string): ParamValue {
  const type = KNOWN_PARAMS[key];
  const fail = (expected: string): never => {
    throw configError(`${flag}: ${key}=${JSON.stringify(raw)} is not ${expected}`);
  };
  switch (type) {
    case 'number':
      return NUMBER.test(raw) ? Number(raw) : fail('a number');
    case 'integer':
      return NUMBER.test(raw) && Number.isInteger(Number(raw)) ? Number(raw) : fail('an integer');
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : fail('true or false');
    case 'string':
      return raw;
    case 'string-list':
      // One variant per comma-separated value; the strings inside a variant are separated by `|`.
      return raw.split('|');
    default:
      if (NUMBER.test(raw)) return Number(raw);
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return raw;
  }
}

/**
 * Parses repeated `-p` flags into a grid. `-p temperature=0.2,0.8 -p top_p=0.9` gives two values
 * of temperature and one of top_p. Values can also be a JSON array: `-p 'stop=[["。"],["END"]]'`.
 */
export function parseParamFlags(flags: readonly string[]): ParamGrid {
  const grid: ParamGrid = {};
  for (const flag of flags) {
    const label = `-p ${flag}`;
    const eq = flag.indexOf('=');
    if (eq <= 0) throw configError(`${label}: expected key=value[,value…], e.g. -p temperature=0.2,0.8`);
    const key = flag.slice(0, eq).trim();
    const rawValues = flag.slice(eq + 1);
    if (!/^[a-z][a-z0-9_]*$/i.test(key)) throw configError(`${label}: "${key}" is not a parameter name`);
    if (key in grid) throw configError(`${label}: ${key} is given twice; list its values in one flag, e.g. -p ${key}=a,b`);
    let values: ParamValue[];
    if (rawValues.trim().startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawValues);
      } catch (error) {
        throw configError(`${label}: the JSON list of values does not parse (${(error as Error).message})`);
      }
      if (!Array.isArray(parsed) || parsed.length === 0) throw configError(`${label}: expected a non-empty JSON list of values`);
      values = parsed.map((value) => (typeof value === 'string' ? parseValue(key, value, label) : (value as ParamValue)));
    } else {
      const pieces = rawValues.split(',').map((piece) => piece.trim());
      if (pieces.some((piece) => piece === '')) throw configError(`${label}: empty value in the list`);
      values = pieces.map((piece) => parseValue(key, piece, label));
    }
    grid[key] = values;
  }
  return grid;
}

/**
 * Refuses a `-p` key that no model of the run accepts. `accepted` holds, per model, the optional
 * fields it accepts, or undefined where qfbench does not know them (a service of the user's own,
 * a model outside the catalog): such a model is taken to accept the request fields qfbench knows.
 * A key that some model accepts and another does not is left to request validation (a warning).
 */
export function checkParamKeys(grid: ParamGrid, accepted: ReadonlyArray<ReadonlySet<string> | undefined>, allowUnknown: boolean): void {
  if (allowUnknown || accepted.length === 0) return;
  const vocabulary = new Set<string>(['stream']);
  for (const set of accepted) for (const key of set ?? Object.keys(KNOWN_PARAMS)) vocabulary.add(key);
  const problems = Object.keys(grid)
    .filter((key) => !vocabulary.has(key))
    .map((key) => {
      const near = closestName(
        key,
        [...vocabulary, ...Object.keys(KNOWN_PARAMS)].filter((name) => name !== 'stream'),
      );
      const hint = near !== undefined ? `; did you mean ${near}?` : '';
      return `-p ${key}: no model of this run accepts ${key}${hint} (--allow-unknown-params sends it anyway)`;
    });
  if (problems.length === 1) throw configError(problems[0] as string);
  if (problems.length > 1) throw configError(['refusing to start; found before sending anything:', ...problems.map((problem) => `  ${problem}`)].join('\n'));
}

/** Every combination of the grid's values, in a stable order (keys as given, values as listed). */
export function expandGrid(grid: ParamGrid): Params[] {
  let combos: Params[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos;
}

/** `temperature=0.3;top_p=0.9` — stable text for CSV cells and labels. */
export function formatParams(params: Params): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('|') : String(value)}`)
    .join(';');
}
