/**
 * Which limits a v1 chat endpoint is served with: a preset service's own (its catalog entry), a
 * custom service declared with its base model (`customEndpoints`, the catalog's `customService` of
 * that base, as `--endpoint X --base-model B` declares it to the client), or, for a suffix nobody
 * declared, the loose CUSTOM_ENDPOINT_LIMITS. The same catalog facts the client's pre-check reads,
 * so what it lets through the simulator accepts and what it refuses the simulator refuses too.
 */
import { findModel, findModelByEndpoint, type Catalog } from '../qianfan/spec/catalog.js';
import { CUSTOM_ENDPOINT_LIMITS, type ModelLimits } from './validation.js';

export function endpointLimits(catalog: Catalog, customEndpoints: Readonly<Record<string, string>>, endpoint: string): ModelLimits {
  // A customOnly model has an empty endpoint: it is never a route.
  const preset = endpoint === '' ? undefined : findModelByEndpoint(catalog, endpoint);
  if (preset !== undefined) return preset;
  const baseName = Object.hasOwn(customEndpoints, endpoint) ? customEndpoints[endpoint] : undefined;
  const base = baseName === undefined ? undefined : findModel(catalog, baseName);
  if (base === undefined) return CUSTOM_ENDPOINT_LIMITS;
  // A base without service limits keeps its preset limits, as the client's pre-check does.
  return base.customService ?? base;
}
