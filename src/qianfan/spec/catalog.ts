/**
 * The v1 model catalog: which endpoint suffix serves a model, its input and output limits and the
 * optional parameters it accepts. A platform fact both sides read: the client picks endpoints and
 * checks requests with it, the simulator serves and validates by it. The data lives in
 * catalog.json; a user's catalog file (providers/qianfan/catalog-file.ts) extends or overrides it
 * by model name.
 */
import builtInCatalog from './catalog.json' with { type: 'json' };

export interface ModelEntry {
  name: string;
  endpoint: string;
  /** `embedding` models are served by `embeddings/{endpoint}` and make embedding cells; default chat. */
  kind?: 'chat' | 'embedding';
  aliases?: string[];
  /** Character budget shared by `system` and every message content (error 336007 past it); null where unknown. */
  maxInputChars: number | null;
  /** Token budget for the same input (error 336103 past it); null where the docs give none. */
  maxInputTokens: number | null;
  maxOutputTokens: number;
  defaultMaxOutputTokens: number;
  /** Optional request fields the model accepts; others are ignored by the server (a warning, not an error). */
  params: string[];
  /** ERNIE Speed/Lite/Tiny/Character models whose SFT-published services allow dynamic output up to 7K. */
  sftBase?: boolean;
  thirdParty?: boolean;
  note?: string;
}

export interface Catalog {
  models: readonly ModelEntry[];
}

export const BUILT_IN_CATALOG: Catalog = { models: builtInCatalog.models as ModelEntry[] };

export function isEmbeddingModel(entry: ModelEntry | undefined): boolean {
  return entry?.kind === 'embedding';
}

/** Names are matched case-insensitively, ignoring spaces and underscores versus hyphens. */
function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/** Merges user entries over the built-in ones (same name replaces, new names are added). */
export function mergeCatalogs(base: Catalog, extra: readonly ModelEntry[]): Catalog {
  const byName = new Map(base.models.map((model) => [normaliseName(model.name), model]));
  for (const model of extra) byName.set(normaliseName(model.name), model);
  return { models: [...byName.values()] };
}

/** Finds a model by name, alias or endpoint suffix; undefined when none matches. */
export function findModel(catalog: Catalog, nameOrEndpoint: string): ModelEntry | undefined {
  const wanted = normaliseName(nameOrEndpoint);
  return (
    catalog.models.find((model) => normaliseName(model.name) === wanted) ??
    catalog.models.find((model) => model.aliases?.some((alias) => normaliseName(alias) === wanted)) ??
    catalog.models.find((model) => normaliseName(model.endpoint) === wanted)
  );
}

export function findModelByEndpoint(catalog: Catalog, endpoint: string): ModelEntry | undefined {
  return catalog.models.find((model) => model.endpoint === endpoint);
}

/** Up to three catalog names that look like `name`, for "did you mean" hints. */
export function similarModelNames(catalog: Catalog, name: string): string[] {
  const wanted = normaliseName(name);
  const stem = wanted.split('-').slice(0, 2).join('-');
  return catalog.models
    .filter((model) => normaliseName(model.name).includes(stem) || wanted.includes(normaliseName(model.endpoint)))
    .slice(0, 3)
    .map((model) => model.name);
}
