/**
 * `is-json`: the whole answer (surrounding whitespace aside) is valid JSON, and, when a JSON Schema
 * is given, matches it. The schema is the value: a JSON object in a JSONL `assert`, JSON text in
 * a CSV cell, or `file:schema.json` (relative to the dataset). The schema's `$schema` picks the
 * draft (2020-12, 2019-09; draft-07 otherwise); `format` keywords are not checked. A schema that
 * does not compile is refused before the run.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { AssertionValueError, assertionType } from './types.js';
import { describe as describeRaw } from './values.js';

type Validator = ValidateFunction | undefined;

const validators = { draft7: undefined as Ajv | undefined, draft2019: undefined as Ajv2019 | undefined, draft2020: undefined as Ajv2020 | undefined };

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  const options = { strict: false, allErrors: true, logger: false as const };
  const draft = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (draft.includes('2020-12')) return (validators.draft2020 ??= new Ajv2020(options));
  if (draft.includes('2019-09')) return (validators.draft2019 ??= new Ajv2019(options));
  return (validators.draft7 ??= new Ajv(options));
}

async function schemaOf(raw: unknown, baseDir: string): Promise<Record<string, unknown> | undefined> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') throw new AssertionValueError(`is-json takes a JSON Schema object or nothing; got ${describeRaw(raw)}`);
  const text = raw.trim();
  if (text.startsWith('file:')) {
    const path = resolve(baseDir, text.slice('file:'.length));
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      throw new AssertionValueError(`is-json schema ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return parseSchema(content, path);
  }
  if (!text.startsWith('{')) throw new AssertionValueError('is-json takes a JSON Schema object ({…}), file:schema.json, or nothing');
  return parseSchema(text, 'the is-json schema');
}

function parseSchema(text: string, where: string): Record<string, unknown> {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new AssertionValueError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new AssertionValueError(`${where} must be a JSON object`);
  return schema as Record<string, unknown>;
}

export const isJson = assertionType({
  name: 'is-json',
  expects: 'nothing, or a JSON Schema the answer must match',
  compile: async (raw, { baseDir }): Promise<Validator> => {
    const schema = await schemaOf(raw, baseDir);
    if (schema === undefined) return undefined;
    try {
      return ajvFor(schema).compile(schema);
    } catch (error) {
      throw new AssertionValueError(`is-json: the JSON Schema does not compile: ${(error as Error).message}`);
    }
  },
  describe: (validate) => (validate === undefined ? 'valid JSON' : 'JSON matching the schema'),
  check: (validate, { output }) => {
    let value: unknown;
    try {
      value = JSON.parse(output.trim());
    } catch (error) {
      return { pass: false, reason: `output is not valid JSON (${(error as Error).message.replace(/, ".*"(\.\.\.)? is not valid JSON$/s, '')})` };
    }
    if (validate === undefined) return { pass: true, reason: 'output is valid JSON' };
    if (validate(value)) return { pass: true, reason: 'output is JSON matching the schema' };
    const problems = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? 'is invalid'}`);
    return { pass: false, reason: `output is JSON but does not match the schema: ${problems.join('; ')}` };
  },
});
