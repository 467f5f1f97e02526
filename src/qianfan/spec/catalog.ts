/**
 * The v1 model catalog: which endpoint suffix serves a model, its input and output limits and the
 * optional parameters it accepts. A platform fact both sides read: the client picks endpoints and
 * checks requests with it, the simulator serves and validates by it. The data lives in
 * catalog.json; a user's catalog file (providers/qianfan/catalog-file.ts) extends or overrides it
 * by model name.
 */
import builtInCatalog from './catalog.json' with { type: 'json' };

/**
 * The limits of a service of the user's own published from a model (`--endpoint SUFFIX
 * --base-model NAME`), qianfan-api.md §9. The client's pre-check and the simulator both read them.
 */
export interface ServiceLimits {
  /** Character budget of `system` plus every message content (336007 past it); null where none is documented. */
  maxInputChars: number | null;
  /** Token budget of the input alone (336103 past it); null where none is documented. */
  maxInputTokens: number | null;
  /**
   * Dynamic input/output: input plus output within this many tokens, in any split (7K in with a 1K
   * output cap, 1K in with 7K out). The output side is `max_output_tokens`, or `defaultMaxOutputTokens` when unset.
   */
  maxTotalTokens?: number;
  maxOutputTokens: number;
  /** The output cap when `max_output_tokens` is unset, whatever `min_output_tokens` says. */
  defaultMaxOutputTokens: number;
  /** Optional request fields the service accepts. */
  params: string[];
  note?: string;
}

export interface ModelEntry {
  name: string;
  /** v1 endpoint suffix; empty for a `customOnly` model. */
  endpoint: string;
  /** The model has no preset service: it runs only as `--endpoint SUFFIX --base-model NAME` (Dolly-12B). */
  customOnly?: boolean;
  /** Limits of services published from this model; a model without them cannot be a `--base-model`. */
  customService?: ServiceLimits;
  /**
   * `embedding` models are served by `embeddings/{endpoint}`, `reranker` ones by `reranker/{endpoint}`,
   * `text2image` ones by `text2image/{endpoint}`, the `tokenizer` by `tokenizer/erniebot`; each makes
   * cells of its API. Default chat.
   */
  kind?: 'chat' | 'embedding' | 'reranker' | 'text2image' | 'tokenizer';
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
  /** A reasoning model: on v2 it streams `delta.reasoning_content` before its answer, counted in `completion_tokens_details.reasoning_tokens`. */
  reasoning?: boolean;
  note?: string;
}

export interface Catalog {
  models: readonly ModelEntry[];
}

export const BUILT_IN_CATALOG: Catalog = { models: builtInCatalog.models as ModelEntry[] };

/**
 * What a custom endpoint whose model is not declared gets: the third-party service limit of 4,800
 * characters (qianfan-api.md §2) and no token limit. The simulator serves undeclared endpoints more
 * loosely (it cannot know the model); the client checks this.
 */
export const UNDECLARED_CUSTOM_SERVICE: ServiceLimits = {
  maxInputChars: 4800,
  maxInputTokens: null,
  maxOutputTokens: 2048,
  defaultMaxOutputTokens: 1024,
  params: [],
};

/** The limits of a custom service published from `base`, or undefined when the catalog has none for it. */
export function customServiceLimits(base: ModelEntry): ServiceLimits | undefined {
  return base.customService;
}

export function isEmbeddingModel(entry: ModelEntry | undefined): boolean {
  return entry?.kind === 'embedding';
}

export function isRerankerModel(entry: ModelEntry | undefined): boolean {
  return entry?.kind === 'reranker';
}

export function isText2ImageModel(entry: ModelEntry | undefined): boolean {
  return entry?.kind === 'text2image';
}

export function isTokenizerModel(entry: ModelEntry | undefined): boolean {
  return entry?.kind === 'tokenizer';
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
