import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_CATALOG,
  findModel,
  findModelByEndpoint,
  isEmbeddingModel,
  mergeCatalogs,
  similarModelNames,
  type ModelEntry,
} from '../../../src/qianfan/spec/catalog.js';

describe('the built-in catalog (qianfan-api.md §2-3)', () => {
  it('finds a model by name, alias or endpoint suffix, ignoring case, spaces and _ versus -', () => {
    expect(findModel(BUILT_IN_CATALOG, 'ernie-4.0-8k')?.endpoint).toBe('completions_pro');
    expect(findModel(BUILT_IN_CATALOG, 'ernie bot 4')?.name).toBe('ERNIE-4.0-8K');
    expect(findModel(BUILT_IN_CATALOG, 'COMPLETIONS-PRO')?.name).toBe('ERNIE-4.0-8K');
    expect(findModel(BUILT_IN_CATALOG, 'no-such-model')).toBeUndefined();
  });

  it('matches an endpoint exactly when the simulator routes by it', () => {
    expect(findModelByEndpoint(BUILT_IN_CATALOG, 'completions_pro')?.name).toBe('ERNIE-4.0-8K');
    expect(findModelByEndpoint(BUILT_IN_CATALOG, 'COMPLETIONS_PRO')).toBeUndefined();
  });

  it('holds chat models with consistent limits and at least one embedding model', () => {
    for (const model of BUILT_IN_CATALOG.models) {
      expect(model.defaultMaxOutputTokens).toBeLessThanOrEqual(model.maxOutputTokens);
      // A custom-only model (Dolly-12B) has no preset endpoint: it runs as --endpoint SUFFIX --base-model NAME.
      if (model.customOnly === true) expect(model.endpoint).toBe('');
      else expect(model.endpoint).toMatch(/^[A-Za-z0-9._~-]+$/);
    }
    expect(BUILT_IN_CATALOG.models.some((model) => isEmbeddingModel(model))).toBe(true);
  });
});

describe('a user catalog over the built-in one', () => {
  const own: ModelEntry = {
    name: 'ernie-4.0-8k',
    endpoint: 'my_pro',
    maxInputChars: 100,
    maxInputTokens: null,
    maxOutputTokens: 64,
    defaultMaxOutputTokens: 32,
    params: [],
  };

  it('replaces an entry of the same (normalised) name and adds new ones', () => {
    const merged = mergeCatalogs(BUILT_IN_CATALOG, [own, { ...own, name: 'My-Llama-SFT', endpoint: 'my_llama' }]);
    expect(merged.models).toHaveLength(BUILT_IN_CATALOG.models.length + 1);
    expect(findModel(merged, 'ERNIE-4.0-8K')?.endpoint).toBe('my_pro');
    expect(findModel(merged, 'my-llama-sft')?.endpoint).toBe('my_llama');
  });

  it('suggests names that look alike', () => {
    expect(similarModelNames(BUILT_IN_CATALOG, 'ernie-4.0-8kk')).toContain('ERNIE-4.0-8K');
  });
});
