/**
 * summary.json: the whole RunSummary, pretty-printed. It is the source every report can be
 * re-rendered from, so reading it back checks the schema version before anything else.
 */
import { readFile } from 'node:fs/promises';
import { configError } from '../errors.js';
import type { RunSummary } from '../metrics/types.js';
import { writeFileAtomic } from './fs-util.js';

/** The summary.json schema version this build writes and reads. */
export const SUMMARY_SCHEMA_VERSION = 1;

/** Pretty JSON (2 spaces) with a final newline; written atomically, its folder created if missing. */
export async function writeSummaryJson(path: string, summary: RunSummary): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read a summary.json back. Throws a one-line user error when the file is not JSON, is not a
 * qfbench summary, or has a schemaVersion other than 1.
 */
export async function readSummaryJson(path: string): Promise<RunSummary> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw configError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw configError(`${path}: not a qfbench summary (expected a JSON object)`);
  const version = data['schemaVersion'];
  if (version !== SUMMARY_SCHEMA_VERSION) {
    const found = version === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(version)}`;
    throw configError(
      `${path}: unsupported summary format: ${found}; this qfbench reads schemaVersion ${SUMMARY_SCHEMA_VERSION}`,
    );
  }
  if (!isObject(data['run']) || !Array.isArray(data['cells']) || !isObject(data['tool'])) {
    throw configError(`${path}: not a qfbench summary (tool, run or cells missing)`);
  }
  return data as unknown as RunSummary;
}
