/**
 * The JSON Schema of a `--config` file, generated from the same zod schema the flags go through,
 * with each key described by the schema's own help text (the same its flag shows). It ships as schema/qfbench.schema.json so
 * editors complete and check config files (`$schema: ./node_modules/qfbench/schema/qfbench.schema.json`,
 * or `# yaml-language-server: $schema=…` in YAML). test/config/json-schema.test.ts fails when the
 * committed file is stale and rewrites it with QFBENCH_WRITE_SCHEMA=1.
 */
import { z } from 'zod';
import { ConfigFileSchema } from './config-file.js';
import { RunConfigSchema } from './run-config.js';

export const CONFIG_SCHEMA_FILE = 'schema/qfbench.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFileSchema, {
    io: 'input',
    // A preprocessed key (a comma list such as `concurrency: "1,4,16"`, or `tolerance: 5%`) takes
    // its final form, a plain number, or text that the preprocessing turns into it.
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      // zod leaves out the default of a preprocessed key in input mode; editors should show it.
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue;
      if (def.type !== 'pipe' || (def as z.core.$ZodPipeDef).in._zod.def.type !== 'transform') return;
      const final = { ...jsonSchema };
      for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
      const alternatives: Array<typeof jsonSchema> = [final, { type: 'string' }];
      if (final.type !== 'number' && final.type !== 'integer') alternatives.push({ type: 'number' });
      jsonSchema.anyOf = alternatives;
    },
  }) as Record<string, unknown>;
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  for (const [key, property] of Object.entries(properties)) {
    // A preprocessed key's description would sit inside its anyOf; editors show the top one.
    const description = (RunConfigSchema.shape as Record<string, z.ZodType | undefined>)[key]?.description;
    if (description !== undefined) property['description'] = description;
  }
  return {
    $schema: schema['$schema'],
    title: 'qfbench run configuration (--config FILE)',
    description: 'Settings of `qfbench run`, the same as its flags (camelCase keys); flags given on the command line override the file.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** The file's text: pretty JSON with a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
