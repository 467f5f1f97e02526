/**
 * The JSON Schema of summary.json, generated from its zod schema (src/metrics/summary-schema.ts),
 * for tools outside qfbench that read run summaries. It ships as schema/summary.schema.json beside
 * the config schema; test/report/summary-json-schema.test.ts fails when the committed file is stale
 * and rewrites it with QFBENCH_WRITE_SCHEMA=1.
 */
import { z } from 'zod';
import { SUMMARY_SCHEMA_VERSION, summarySchema } from '../metrics/summary-schema.js';

export const SUMMARY_SCHEMA_FILE = 'schema/summary.schema.json';

export function summaryJsonSchema(): Record<string, unknown> {
  // Input mode: no `additionalProperties: false`, as readers ignore the fields a newer qfbench of the same version adds.
  const schema = z.toJSONSchema(summarySchema, { io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    title: `qfbench run summary (summary.json, schemaVersion ${SUMMARY_SCHEMA_VERSION})`,
    description:
      "What `qfbench run` writes as summary.json: the run, its load settings and stages, and each cell's figures. Times in milliseconds, money in CNY.",
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** The file's text: pretty JSON with a final newline. */
export function renderSummaryJsonSchema(): string {
  return `${JSON.stringify(summaryJsonSchema(), null, 2)}\n`;
}
