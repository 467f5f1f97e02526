/** The names a model's price may be filed under: as given, its endpoint, and its catalog name and aliases. */
import type { ModelTarget } from '../plan/plan.js';
import { findModel, type Catalog } from '../qianfan/spec/catalog.js';

export function modelPriceNames(target: ModelTarget, catalog: Catalog): string[] {
  const entry = findModel(catalog, target.model);
  return [target.model, target.endpoint, ...(entry !== undefined ? [entry.name, ...(entry.aliases ?? [])] : [])];
}
