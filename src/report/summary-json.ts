/**
 * summary.json: the whole RunSummary, pretty-printed. It is the source every report can be
 * re-rendered from, so every command that reads one back (`compare`, `report DIR`, `merge`,
 * `--baseline`, `estimate --from`) goes through `readSummaryJson`: the schema version first, then
 * the whole file against `summarySchema`, so a damaged or hand-edited file is refused with one
 * line naming the file and the field (`x/summary.json: cells[0].latencyMs.p50: expected number,
 * got string`) instead of failing somewhere deep inside a report.
 */
import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { configError, isUserError } from '../errors.js';
import type { RunSummary } from '../metrics/types.js';
import { writeFileAtomic } from '../util/fs-util.js';
import { SUMMARY_SCHEMA_VERSION, summarySchema } from '../metrics/summary-schema.js';

export { SUMMARY_SCHEMA_VERSION, summarySchema } from '../metrics/summary-schema.js';

/** Far above any real summary (a few KB per cell); a bigger file is not one, and would only eat memory. */
export const MAX_SUMMARY_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Pretty JSON (2 spaces) with a final newline; written atomically, its folder created if missing.
 * What is written is checked against the schema first (as JSON, so a NaN that would turn into
 * null is caught): a file the readers would refuse is a bug here, not the user's.
 */
export async function writeSummaryJson(path: string, summary: RunSummary): Promise<void> {
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  const checked = summarySchema.safeParse(JSON.parse(text));
  if (!checked.success) {
    const issue = checked.error.issues[0] as z.core.$ZodIssue;
    throw new Error(`internal error: the summary for ${path} does not fit its schema at ${fieldPath(issue.path)}: ${issue.message}`);
  }
  await writeFileAtomic(path, text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read a summary.json back. Throws a one-line user error naming the file (and the field) when it
 * is missing, not JSON, not a qfbench summary, of a schemaVersion other than 1, or has a field of
 * the wrong type.
 */
export async function readSummaryJson(path: string): Promise<RunSummary> {
  return parseSummaryJson(await readSummaryText(path), path);
}

/** The checks of `readSummaryJson` on text already read; `path` names it in errors. */
export function parseSummaryJson(text: string, path: string): RunSummary {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw configError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw configError(`${path}: not a qfbench summary (expected a JSON object)`);
  const version = data['schemaVersion'];
  if (version !== SUMMARY_SCHEMA_VERSION) {
    const found = version === undefined ? 'no schemaVersion' : `schemaVersion ${shown(version)}`;
    throw configError(`${path}: unsupported summary format: ${found}; this qfbench reads schemaVersion ${SUMMARY_SCHEMA_VERSION}`);
  }
  if (!isObject(data['run']) || !Array.isArray(data['cells']) || !isObject(data['tool'])) {
    throw configError(`${path}: not a qfbench summary (tool, run or cells missing)`);
  }
  const parsed = summarySchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
    const issue = issues[0] as z.core.$ZodIssue;
    throw configError(`${path}: ${fieldPath(issue.path)}: ${problem(issue, valueAt(data, issue.path))}${more}`);
  }
  return parsed.data;
}

async function readSummaryText(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw configError(`${path}: not a file; give the folder a qfbench run wrote`);
    if (info.size > MAX_SUMMARY_JSON_BYTES)
      throw configError(`${path}: ${info.size} bytes, too large for a qfbench summary (at most ${MAX_SUMMARY_JSON_BYTES})`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isUserError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw configError(`${path}: no such file; give the folder a qfbench run wrote`);
    throw configError(`${path}: cannot read it (${code ?? (error as Error).message})`);
  }
}

/** `cells[0].latencyMs.p50`, as in the error message users read. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`)).join('') || '(top level)';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What is wrong, in the words of the file: `expected number, got string`, `missing (expected object)`. */
function problem(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${kindOf(value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => shown(v)).join(' or ')}, got ${shown(value)}`;
    case 'too_small':
    case 'too_big':
      return `${issue.message.replace(/^Too (small|big): /, '')}, got ${shown(value)}`;
    default:
      return `${issue.message.replace(/^Invalid input: /, '')}${value !== undefined ? `, got ${shown(value)}` : ''}`;
  }
}
