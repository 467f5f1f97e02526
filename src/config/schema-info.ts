/**
 * What `--help` shows about one key of an options schema: its description, its default and, for
 * an enum, its choices, read from the zod schema itself so the help never drifts from the checks.
 */
import type { z } from 'zod';

export interface KeyInfo {
  description?: string;
  /** The value the schema fills in when the key is absent; undefined when it has none. */
  defaultValue?: unknown;
  choices?: readonly string[];
}

export function keyInfo(schema: z.ZodType): KeyInfo {
  const info: KeyInfo = {};
  if (schema.description !== undefined) info.description = schema.description;
  let node: z.core.$ZodType = schema;
  // Wrappers first (default, optional), then the type itself; a preprocessed key ends in its final type.
  for (let depth = 0; depth < 10; depth++) {
    const def = node._zod.def;
    if (def.type === 'default') {
      const defaultDef = def as z.core.$ZodDefaultDef;
      if (!('defaultValue' in info)) info.defaultValue = defaultDef.defaultValue;
      node = defaultDef.innerType;
    } else if (def.type === 'optional') {
      node = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === 'pipe') {
      node = (def as z.core.$ZodPipeDef).out;
    } else {
      if (def.type === 'enum') info.choices = Object.values((def as z.core.$ZodEnumDef).entries).map(String);
      break;
    }
  }
  return info;
}
