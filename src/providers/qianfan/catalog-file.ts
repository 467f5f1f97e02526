/**
 * A user's catalog file (`--catalog FILE`): `{"models": [...]}` entries that add services of their
 * own (a Dolly-12B deployment, an SFT model) or override built-in ones by name. Validated field by
 * field so a typo names the entry and the field instead of failing later.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { configError } from '../../errors.js';
import type { ModelEntry } from '../../qianfan/spec/catalog.js';

const ServiceLimitsSchema = z
  .object({
    maxInputChars: z.number().int().positive().nullable(),
    maxInputTokens: z.number().int().positive().nullable().default(null),
    maxTotalTokens: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().min(2).default(2048),
    defaultMaxOutputTokens: z.number().int().min(2).default(1024),
    params: z.array(z.string().min(1)).default([]),
    note: z.string().optional(),
  })
  .strict();

const ModelEntrySchema = z
  .object({
    name: z.string().min(1),
    endpoint: z.string().regex(/^[A-Za-z0-9._~-]+$/, 'an endpoint suffix has only letters, digits and . _ ~ -'),
    aliases: z.array(z.string().min(1)).optional(),
    kind: z.enum(['chat', 'embedding', 'reranker', 'text2image', 'tokenizer']).optional(),
    maxInputChars: z.number().int().positive().nullable(),
    maxInputTokens: z.number().int().positive().nullable().default(null),
    maxOutputTokens: z.number().int().min(2).default(2048),
    defaultMaxOutputTokens: z.number().int().min(2).default(1024),
    params: z.array(z.string().min(1)).default([]),
    sftBase: z.boolean().optional(),
    customOnly: z.boolean().optional(),
    customService: ServiceLimitsSchema.optional(),
    thirdParty: z.boolean().optional(),
    reasoning: z.boolean().optional(),
    note: z.string().optional(),
  })
  .strict();

const CatalogFileSchema = z.object({ $comment: z.string().optional(), models: z.array(ModelEntrySchema).min(1) }).strict();

export async function loadCatalogFile(file: string): Promise<ModelEntry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw configError(`--catalog ${file}: ${reason}`);
  }
  const result = CatalogFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('') ?? '';
    throw configError(
      `--catalog ${file}: ${path.replace(/^\./, '') || 'file'}: ${issue?.message ?? 'invalid'} (expected {"models": [{"name", "endpoint", ` +
        `"maxInputChars", …}]})`,
    );
  }
  return result.data.models as ModelEntry[];
}
