/**
 * `--config FILE`: the run configuration as YAML (.yaml, .yml) or JSON (.json). The keys are the
 * run configuration's own (camelCase, as in schema/qfbench.schema.json, which is generated from
 * the same zod schema: src/config/json-schema.ts), plus `$schema` for editors. Every key is
 * optional here; flags given on the command line override the file's values key by key (a list
 * given as a flag replaces the file's list). Paths in the file are relative to the working
 * directory, as on the command line.
 *
 * Errors name the file, the line, the key path and what is wrong: `ci.yaml:7: thresholds[1]: …`,
 * every problem of the file at once, and a mistyped key gets the closest real one as a hint.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { configError, isUserError } from '../errors.js';
import { RunConfigSchema, parseRunConfig, settingSuggestion, type RunConfig } from './run-config.js';

export const ConfigFileSchema = RunConfigSchema.partial()
  .extend({ $schema: z.string().optional().meta({ description: 'JSON Schema of this file, for editors (ignored by qfbench)' }) })
  .strict();

/** A run configuration is a page of settings; anything larger is a wrong file, not a config. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/**
 * Aliases the YAML reader may expand (the yaml package's count of expanded alias nodes): enough
 * to share a few settings, far too few for a "billion laughs" file to blow up memory.
 */
export const MAX_CONFIG_ALIAS_COUNT = 50;

/** The run configuration from a config file and the flags given on the command line, which win key by key. */
export async function runConfigWithFile(path: string, flags: Readonly<Record<string, unknown>>): Promise<RunConfig> {
  return parseRunConfig({ ...(await loadConfigFile(path)), ...flags });
}

/** The file's settings, validated, as raw input for `parseRunConfig` (defaults are not filled in). */
export async function loadConfigFile(path: string): Promise<Record<string, unknown>> {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) throw configError(`--config ${path}: give a .yaml, .yml or .json file`);
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw configError(`--config ${path}: not a regular file`);
    if (info.size > MAX_CONFIG_FILE_BYTES)
      throw configError(`--config ${path}: ${info.size} bytes, more than the ${MAX_CONFIG_FILE_BYTES} a config file may have`);
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if (isUserError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw configError(`--config ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (error as Error).message})`}`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const data = extension === '.json' ? parseJson(text, path) : yamlData(document, path);
  if (data === null || data === undefined) throw configError(`${path}: the file is empty; write settings such as "datasets: [prompts.csv]"`);
  if (typeof data !== 'object' || Array.isArray(data)) throw configError(`${path}: expected settings (key: value) at the top level`);

  const parsed = ConfigFileSchema.safeParse(data);
  if (!parsed.success) {
    // Every problem at once: fixing a file one error per run is slow.
    const problems = parsed.error.issues
      .flatMap((issue) => describeIssue(issue, path, document, lineCounter))
      .sort((a, b) => a.line - b.line || a.col - b.col)
      .map((problem) => problem.text);
    if (problems.length === 1) throw configError(problems[0] as string);
    throw configError([`${path}: ${problems.length} problems:`, ...problems.map((problem) => `  ${problem}`)].join('\n'));
  }
  const settings = { ...(data as Record<string, unknown>) };
  delete settings['$schema'];
  return settings;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw configError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
}

function yamlData(document: Document, path: string): unknown {
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const at = position !== undefined ? `${path}:${position.line}:${position.col}` : path;
    throw configError(`${at}: invalid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_CONFIG_ALIAS_COUNT });
  } catch (error) {
    // The yaml package throws a ReferenceError for an alias bomb or an alias with no anchor.
    const excessive = /excessive alias count/i.test((error as Error).message);
    const reason = excessive
      ? `its aliases expand to more than ${MAX_CONFIG_ALIAS_COUNT} nodes (a "billion laughs" file?)`
      : (error as Error).message.split('\n')[0];
    throw configError(`${path}: invalid YAML: ${reason}`);
  }
}

interface Problem {
  /** 0 where the document does not say: such problems come first. */
  line: number;
  col: number;
  text: string;
}

/** One problem per issue (an issue of unknown keys is one per key), each with its place and key path. */
function describeIssue(issue: z.core.$ZodIssue, path: string, document: Document, lineCounter: LineCounter): Problem[] {
  const problem = (text: string, key?: string): Problem => {
    const where = locate(document, lineCounter, issue.path, key);
    return { line: where?.line ?? 0, col: where?.col ?? 0, text: `${path}${where !== undefined ? `:${where.line}:${where.col}` : ''}: ${text}` };
  };
  if (issue.code === 'unrecognized_keys') {
    const inside = issue.path.length > 0 ? `${pathText(issue.path)}: ` : '';
    return issue.keys.map((key) => problem(`${inside}unknown key ${JSON.stringify(key)}${settingSuggestion(key)}`, key));
  }
  return [problem(`${pathText(issue.path)}: ${issue.message}`)];
}

/** Line and column of the value at `path` (or of the key `key` inside it), when the document has it. */
function locate(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[], key?: string): { line: number; col: number } | undefined {
  const segments = path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  const node = segments.length === 0 ? document.contents : document.getIn(segments, true);
  let offset: number | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (isNode(pair?.key)) offset = pair.key.range?.[0];
  } else if (isNode(node)) {
    offset = node.range?.[0];
  }
  if (offset === undefined) return segments.length > 0 ? locate(document, lineCounter, path.slice(0, -1)) : undefined;
  const position = lineCounter.linePos(offset);
  return position.line > 0 ? position : undefined;
}

/** `thresholds[1]`, `concurrency`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`)).join('') || '(top level)';
}
