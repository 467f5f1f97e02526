/**
 * What a run's target allows: the limits that request validation checks against, resolved once
 * per target from its catalog entry, or from the base model of a custom (SFT-published) service.
 */
import { BUILT_IN_CATALOG, customServiceLimits, UNDECLARED_CUSTOM_SERVICE, type Catalog, type ModelEntry } from '../../qianfan/spec/catalog.js';

export interface ValidationTarget {
  /** The model name of the cell (for a custom service, usually its endpoint suffix). */
  model: string;
  /** v1 endpoint suffix. */
  endpoint: string;
  /** Catalog entry of a preset service; undefined for a custom endpoint. */
  entry?: ModelEntry;
  /** For a custom endpoint: the model it was published from (`--base-model`), when declared. */
  baseModel?: ModelEntry;
}

export interface Finding {
  level: 'error' | 'warning';
  /** `FILE:LINE` of a dataset row, or the flag such as `-p temperature`; empty for a summary line. */
  where: string;
  /** The request field concerned: `temperature`, `messages[2].content`, `input`, … */
  field: string;
  message: string;
  /**
   * A row that may be over a token limit (the estimate's band reaches past it): validateRun sums
   * these up in one line per target instead of one per row. The row's estimate is `estimate`.
   */
  nearLimit?: { target: string; limit: number; estimate: number; high: number };
}

/** Input limit of a custom service whose model is not declared (the catalog's UNDECLARED_CUSTOM_SERVICE). */
export const CUSTOM_MAX_INPUT_CHARS = UNDECLARED_CUSTOM_SERVICE.maxInputChars;
/** `max_output_tokens` / `min_output_tokens` range of preset services (qianfan-api.md §3). */
export const MIN_OUTPUT_TOKENS = 2;
export const PRESET_OUTPUT_CAP = 2048;
/** Dynamic output of SFT-published Speed/Lite/Tiny/Character services: up to 7K out of an 8K context. */
export const SFT_OUTPUT_CAP = 7168;
export const SFT_CONTEXT_TOKENS = 8192;
/** The output cap when `max_output_tokens` is unset (qianfan-api.md §3, §9), where the catalog says nothing else. */
export const DEFAULT_OUTPUT_CAP = 1024;

/** Everything validation needs to know about one target, in one place. */
export interface TargetProfile {
  /** How messages name the target: `ERNIE-4.0-8K`, `the custom service "my-svc"`. */
  label: string;
  /** null where the catalog gives no character limit. */
  maxInputChars: number | null;
  maxInputTokens: number | null;
  outputCap: number;
  /** Set when the output cap differs from the general 2048, so messages must say whose cap it is. */
  outputCapOwner?: string;
  /** The output cap when `max_output_tokens` is unset. */
  defaultOutputCap: number;
  /** Dynamic input/output: input plus the output cap within this many tokens. */
  maxTotalTokens?: number;
  /** Same as `maxTotalTokens !== undefined`: a per-row check of input against the output request. */
  dynamicOutput: boolean;
  /** Preset service of an SFT base model: its 2048 cap is worth a hint about SFT services. */
  sftBaseOfPreset?: ModelEntry;
  /** Optional fields the model accepts; undefined when the model is unknown (no warnings then). */
  acceptedParams?: ReadonlySet<string>;
}

export function targetProfile(target: ValidationTarget): TargetProfile {
  const { entry, baseModel } = target;
  if (entry) {
    const outputCap = Math.min(PRESET_OUTPUT_CAP, entry.maxOutputTokens);
    const profile: TargetProfile = {
      label: entry.name,
      maxInputChars: entry.maxInputChars,
      maxInputTokens: entry.maxInputTokens,
      outputCap,
      defaultOutputCap: entry.defaultMaxOutputTokens,
      dynamicOutput: false,
      acceptedParams: new Set(entry.params),
    };
    if (outputCap !== PRESET_OUTPUT_CAP) profile.outputCapOwner = `for ${entry.name}`;
    if (entry.sftBase === true) profile.sftBaseOfPreset = entry;
    return profile;
  }
  const service = baseModel ? customServiceLimits(baseModel) : undefined;
  if (baseModel && service) {
    const dynamicOutput = service.maxTotalTokens !== undefined;
    const label = `the ${dynamicOutput ? 'SFT service' : 'custom service'} "${target.endpoint}" (base ${baseModel.name})`;
    const profile: TargetProfile = {
      label,
      maxInputChars: service.maxInputChars,
      maxInputTokens: service.maxInputTokens,
      outputCap: service.maxOutputTokens,
      defaultOutputCap: service.defaultMaxOutputTokens,
      dynamicOutput,
      acceptedParams: new Set(service.params),
    };
    if (service.maxTotalTokens !== undefined) profile.maxTotalTokens = service.maxTotalTokens;
    if (service.maxOutputTokens !== PRESET_OUTPUT_CAP) profile.outputCapOwner = `for ${label}`;
    return profile;
  }
  if (baseModel) {
    // A base the catalog has no service limits for (checkBaseModel refuses it in a run): its preset limits.
    const label = `the custom service "${target.endpoint}" (base ${baseModel.name})`;
    const outputCap = Math.min(PRESET_OUTPUT_CAP, baseModel.maxOutputTokens);
    const profile: TargetProfile = {
      label,
      maxInputChars: baseModel.maxInputChars,
      maxInputTokens: baseModel.maxInputTokens,
      outputCap,
      defaultOutputCap: baseModel.defaultMaxOutputTokens,
      dynamicOutput: false,
      acceptedParams: new Set(baseModel.params),
    };
    if (outputCap !== PRESET_OUTPUT_CAP) profile.outputCapOwner = `for ${label}`;
    return profile;
  }
  return {
    label: `the custom service "${target.endpoint}"`,
    maxInputChars: UNDECLARED_CUSTOM_SERVICE.maxInputChars,
    maxInputTokens: UNDECLARED_CUSTOM_SERVICE.maxInputTokens,
    outputCap: UNDECLARED_CUSTOM_SERVICE.maxOutputTokens,
    defaultOutputCap: UNDECLARED_CUSTOM_SERVICE.defaultMaxOutputTokens,
    dynamicOutput: false,
  };
}

/**
 * Refuses a `--base-model` the catalog has no custom-service limits for (only SFT bases and
 * custom-only models such as Dolly-12B have them). Returns the error text, or undefined when it is fine.
 */
export function checkBaseModel(entry: ModelEntry, catalog: Catalog = BUILT_IN_CATALOG): string | undefined {
  if (customServiceLimits(entry) !== undefined) return undefined;
  const bases = catalog.models.filter((model) => model.sftBase === true && model.customService !== undefined).map((model) => model.name);
  const others = catalog.models.filter((model) => model.sftBase !== true && model.customService !== undefined).map((model) => model.name);
  const also = others.length > 0 ? `, or a custom service of ${others.join(', ')}` : '';
  return (
    `${entry.name} cannot be a base model: a custom service declared with --base-model must be an SFT-published ` +
    `service of ${bases.join(', ')} (output up to ${SFT_OUTPUT_CAP} tokens within ${SFT_CONTEXT_TOKENS})${also}; ` +
    `give a custom service of any other model without --base-model`
  );
}

/** A value as a message shows it: numbers plainly, text quoted and shortened. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (typeof value === 'boolean') return `${value} (a true/false value)`;
  if (Array.isArray(value)) return `a list ${shorten(JSON.stringify(value), 60)}`;
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function quote(text: string, max = 40): string {
  return JSON.stringify(shorten(text, max));
}

function shorten(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
