/**
 * A command's flags as a typed table over its options schema (src/config): the table says how a
 * key is spelled and parsed on the command line, the schema says what it means (the help text),
 * its default and its checks. Typed by the schema's keys, so a key without a flag does not compile.
 */
import type { Options } from 'yargs';
import type { z } from 'zod';
import { keyInfo } from '../config/schema-info.js';
import { configError } from '../errors.js';

export interface FlagSpec {
  type: 'string' | 'number' | 'boolean';
  array?: boolean;
  /**
   * Other names. One letter is a short flag (`-c`); the first longer one is the flag's name on the
   * command line (`--dataset` for the key `datasets`), which is otherwise the key in kebab-case.
   */
  alias?: readonly string[];
  group?: string;
  /** yargs refuses the command without it (and `--help` says so). */
  required?: boolean;
  /** What `--help` shows as the default when the schema's own value reads badly (`5%` for 0.05). */
  defaultText?: string;
}

export type FlagTable<Keys extends PropertyKey> = { readonly [Key in Keys]-?: FlagSpec };

type AnyTable = Readonly<Record<string, FlagSpec>>;

const kebab = (key: string): string => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** `datasets` -> `dataset`, `maxRequests` -> `max-requests`. */
export function flagNameOf(key: string, spec: FlagSpec): string {
  return spec.alias?.find((alias) => alias.length > 1) ?? kebab(key);
}

/** `-d/--dataset`, `--max-requests`: how messages name a key's flag. */
export function flagLabelOf(key: string, spec: FlagSpec): string {
  const short = spec.alias?.find((alias) => alias.length === 1);
  return `${short !== undefined ? `-${short}/` : ''}--${flagNameOf(key, spec)}`;
}

function defaultShown(value: unknown): string | undefined {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The yargs options of a table. No yargs `default`: a default filled in by the parser could not
 * be told from a flag given, and would override a config file; the schema fills defaults in.
 */
export function yargsOptionsOf(schema: z.ZodObject, table: AnyTable): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const [key, spec] of Object.entries(table)) {
    const field = schema.shape[key];
    const info = field !== undefined ? keyInfo(field) : {};
    const option: Options = { type: spec.type, alias: (spec.alias ?? []).filter((alias) => alias.length === 1) };
    if (spec.array === true) option.array = true;
    if (spec.group !== undefined) option.group = spec.group;
    if (spec.required === true) option.demandOption = true;
    if (info.description !== undefined) option.describe = info.description;
    if (info.choices !== undefined) option.choices = [...info.choices];
    const shown = spec.defaultText ?? defaultShown(info.defaultValue);
    if (shown !== undefined) option.defaultDescription = shown;
    options[flagNameOf(key, spec)] = option;
  }
  return options;
}

/** The keys given on the command line (yargs also gives camelCase copies of dashed names). */
export function flagValuesOf(table: AnyTable, argv: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const name = flagNameOf(key, spec);
    const value = argv[name] ?? argv[camel(name)];
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/** Every name the table's flags go by, without dashes: for did-you-mean. */
export function flagNamesOf(table: AnyTable): string[] {
  return Object.entries(table).flatMap(([key, spec]) => [flagNameOf(key, spec), ...(spec.alias ?? [])]);
}

/** The options of a command from its flags, checked by its schema; a bad value names its flag. */
export function parseFlags<Schema extends z.ZodObject>(
  schema: Schema,
  table: FlagTable<keyof z.output<Schema>>,
  argv: Readonly<Record<string, unknown>>,
): z.output<Schema> {
  const parsed = schema.safeParse(flagValuesOf(table, argv));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const spec = (table as AnyTable)[key];
  throw configError(`${spec !== undefined ? flagLabelOf(key, spec) : key}: ${issue?.message ?? 'invalid value'}`);
}
