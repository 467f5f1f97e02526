/**
 * The price table: CNY per 1,000 input and output tokens per model, each entry dated (the day it
 * took effect, Beijing time) and sourced. The built-in table is data (prices.json); `--prices FILE`
 * adds entries in the same format and wins over the built-in ones for the models it prices.
 *
 * Lookup: among the entries for a model whose `effectiveFrom` is on or before the date, the newest
 * applies (entries from --prices first; the built-in table only when the file has none that
 * applies). A model without an applicable entry has no price: callers show "unknown", never 0.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PriceDateSchema } from '../config/price-date.js';
import { configError } from '../errors.js';
import builtInPrices from './prices.json' with { type: 'json' };

export interface PriceEntry {
  model: string;
  /** CNY per 1,000 prompt tokens. */
  inputPer1k: number;
  /** CNY per 1,000 completion tokens. */
  outputPer1k: number;
  /** YYYY-MM-DD, the first day the price applies. */
  effectiveFrom: string;
  source: string;
  note?: string;
}

export interface PriceTable {
  builtIn: readonly PriceEntry[];
  /** Entries from --prices FILE; they win over the built-in ones for their models. */
  overrides: readonly PriceEntry[];
  /** The --prices file, when one was given. */
  file?: string;
}

/** Dates before any real price: an override without `effectiveFrom` applies from then on. */
const ALWAYS = '1970-01-01';

const price = (what: string) =>
  z
    .number({ error: `expected the CNY price per 1,000 ${what} tokens (a number, 0 for free)` })
    .min(0, `a price is 0 or more`)
    .max(1000, 'more than 1000 CNY per 1,000 tokens is surely a typo');

const EntrySchema = z.strictObject({
  model: z.string({ error: 'expected the model name (catalog spelling, alias or endpoint suffix)' }).trim().min(1, 'the model name is empty'),
  inputPer1k: price('input'),
  outputPer1k: price('output'),
  effectiveFrom: PriceDateSchema,
  source: z.string({ error: 'expected a text saying where the price comes from' }).trim().min(1, 'the source is empty'),
  note: z.string().optional(),
});

/** A --prices entry: `effectiveFrom` and `source` may be left out (always / the file's name). */
const OverrideSchema = EntrySchema.extend({ effectiveFrom: PriceDateSchema.optional(), source: EntrySchema.shape.source.optional() });

/** Names are matched like the catalog matches them: case-insensitive, spaces and `_` as `-`. */
export function normalisePriceName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Validates a table's entries; every error names the file, the entry (index and model) and the
 * field, and what was expected.
 */
function parseEntries(raw: unknown, where: string, override: boolean): PriceEntry[] {
  const list = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)['prices'] : undefined;
  if (!Array.isArray(list))
    throw configError(
      `${where}: expected {"prices": [ {"model", "inputPer1k", "outputPer1k", "effectiveFrom", "source"}, ... ]} or a JSON array of such entries`,
    );
  if (!Array.isArray(raw)) {
    const currency = (raw as Record<string, unknown>)['currency'];
    if (currency !== undefined && currency !== 'CNY') throw configError(`${where}: currency ${describe(currency)}: prices are in CNY (per 1,000 tokens)`);
  }
  const entries: PriceEntry[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, index) => {
    const model =
      item !== null && typeof item === 'object' && typeof (item as Record<string, unknown>)['model'] === 'string'
        ? ` (${String((item as Record<string, unknown>)['model'])})`
        : '';
    const entry = `${where}: prices[${index}]${model}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw configError(`${entry}: expected an object {"model", "inputPer1k", "outputPer1k", "effectiveFrom", "source"}, got ${describe(item)}`);
    const parsed = (override ? OverrideSchema : EntrySchema).safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      if (issue?.code === 'unrecognized_keys') {
        throw configError(
          `${entry}: unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (fields: model, inputPer1k, outputPer1k, effectiveFrom, ` +
            `source, note)`,
        );
      }
      const got = field === '' ? '' : `, got ${describe((item as Record<string, unknown>)[field])}`;
      throw configError(`${entry}.${field}: ${issue?.message ?? 'invalid value'}${got}`);
    }
    const value = parsed.data;
    const result: PriceEntry = {
      model: value.model,
      inputPer1k: value.inputPer1k,
      outputPer1k: value.outputPer1k,
      effectiveFrom: value.effectiveFrom ?? ALWAYS,
      source: value.source ?? where,
    };
    if (value.note !== undefined) result.note = value.note;
    const key = `${normalisePriceName(result.model)}@${result.effectiveFrom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw configError(
        `${entry}: prices[${earlier}] already prices ${result.model} ` +
          `from ${result.effectiveFrom === ALWAYS ? 'any date (no effectiveFrom)' : result.effectiveFrom}; give each model one price per date`,
      );
    seen.set(key, index);
    entries.push(result);
  });
  return entries;
}

let builtInCache: PriceEntry[] | undefined;

/** The table shipped with qfbench (src/cost/prices.json). */
export function builtInPriceEntries(): readonly PriceEntry[] {
  builtInCache ??= parseEntries(builtInPrices, 'built-in prices.json', false);
  return builtInCache;
}

/** Parses the text of a --prices file (JSON); `file` names it in errors. */
export function parsePriceFile(text: string, file: string): PriceEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw configError(`--prices ${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseEntries(data, `--prices ${file}`, true);
}

/** The built-in table, extended or overridden by `file` when given. */
export async function loadPriceTable(file?: string): Promise<PriceTable> {
  if (file === undefined) return { builtIn: builtInPriceEntries(), overrides: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw configError(`--prices ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return { builtIn: builtInPriceEntries(), overrides: parsePriceFile(text, file), file };
}

function newestApplicable(entries: readonly PriceEntry[], names: ReadonlySet<string>, date: string): PriceEntry | undefined {
  let best: PriceEntry | undefined;
  for (const entry of entries) {
    if (!names.has(normalisePriceName(entry.model)) || entry.effectiveFrom > date) continue;
    if (best === undefined || entry.effectiveFrom > best.effectiveFrom) best = entry;
  }
  return best;
}

/**
 * The price that applies to a model on `date` (YYYY-MM-DD). `names` are the spellings the model
 * goes by (its name, catalog aliases, endpoint suffix); any of them may carry the price.
 */
export function findPrice(table: PriceTable, names: readonly string[], date: string): PriceEntry | undefined {
  const wanted = new Set(names.map(normalisePriceName));
  return newestApplicable(table.overrides, wanted, date) ?? newestApplicable(table.builtIn, wanted, date);
}

/** The calendar day in Beijing time (UTC+8, no daylight saving), the day Baidu's prices change on. */
export function beijingDate(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
