/**
 * schema/summary.schema.json is generated from the zod schema of summary.json. This test fails
 * when the committed file is stale; `QFBENCH_WRITE_SCHEMA=1 npx vitest run
 * test/report/summary-json-schema.test.ts` rewrites it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderSummaryJsonSchema, SUMMARY_SCHEMA_FILE, summaryJsonSchema } from '../../src/report/summary-json-schema.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { makeSummary } from './fixtures.js';

const path = join(REPO_ROOT, SUMMARY_SCHEMA_FILE);

describe('schema/summary.schema.json', () => {
  it('is the schema generated from the summary schema', async () => {
    const fresh = renderSummaryJsonSchema();
    if (process.env['QFBENCH_WRITE_SCHEMA'] === '1') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, fresh);
    }
    const committed = await readFile(path, 'utf8').catch(() => '');
    expect(committed, `${SUMMARY_SCHEMA_FILE} is stale: run QFBENCH_WRITE_SCHEMA=1 npx vitest run test/report/summary-json-schema.test.ts`).toBe(fresh);
  });

  it('accepts a summary qfbench writes and refuses a damaged one', () => {
    const validate = new Ajv2020({ strict: false }).compile(summaryJsonSchema());
    const summary = JSON.parse(JSON.stringify(makeSummary())) as Record<string, unknown>;
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...summary, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...summary, cells: [{ id: 'c0' }] })).toBe(false);
  });
});
