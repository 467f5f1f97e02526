/**
 * schema/qfbench.schema.json is generated from the zod schema (src/config/json-schema.ts). This
 * test fails when the committed file is stale; `QFBENCH_WRITE_SCHEMA=1 npx vitest run
 * test/config/json-schema.test.ts` rewrites it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { RUN_FLAGS } from '../../src/cli/run-flags.js';
import { CONFIG_SCHEMA_FILE, configJsonSchema, renderConfigJsonSchema } from '../../src/config/json-schema.js';
import { RunConfigSchema } from '../../src/config/run-config.js';
import { REPO_ROOT } from '../helpers/cli.js';

const path = join(REPO_ROOT, CONFIG_SCHEMA_FILE);

describe('schema/qfbench.schema.json', () => {
  it('is the schema generated from the run configuration', async () => {
    const fresh = renderConfigJsonSchema();
    if (process.env['QFBENCH_WRITE_SCHEMA'] === '1') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, fresh);
    }
    const committed = await readFile(path, 'utf8').catch(() => '');
    expect(committed, `${CONFIG_SCHEMA_FILE} is stale: run QFBENCH_WRITE_SCHEMA=1 npx vitest run test/config/json-schema.test.ts`).toBe(fresh);
  });

  it('describes every flag and accepts what the flags accept', () => {
    const schema = configJsonSchema();
    const properties = schema['properties'] as Record<string, { description?: string }>;
    for (const key of Object.keys(RUN_FLAGS)) {
      const description = RunConfigSchema.shape[key as keyof typeof RUN_FLAGS].description;
      expect(description, key).toMatch(/\w/);
      expect(properties[key]?.description, key).toBe(description);
    }
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const good = {
      $schema: './schema.json',
      datasets: ['a.csv'],
      models: ['ernie-speed-8k'],
      concurrency: '1,4,16',
      tolerance: '5%',
      thresholds: ['ttft.p95<800'],
      stream: false,
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, concurrency: 8 })).toBe(true);
    expect(validate({ ...good, repeat: 'two' })).toBe(false);
    expect(validate({ ...good, colour: 'blue' })).toBe(false);
    expect(validate({ ...good, api: 'embeddings' })).toBe(false);
  });
});
