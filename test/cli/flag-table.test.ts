import { describe, expect, it } from 'vitest';
import { flagLabelOf, flagValuesOf, parseFlags, yargsOptionsOf } from '../../src/cli/flag-table.js';
import { RUN_FLAGS, flagsFromArgv, runFlagOptions } from '../../src/cli/run-flags.js';
import { CompareOptionsSchema } from '../../src/config/command-options.js';
import { RunConfigSchema } from '../../src/config/run-config.js';

describe('flag tables over options schemas', () => {
  it('take help texts, choices and defaults from the schema, never a yargs default', () => {
    const options = runFlagOptions();
    expect(options['concurrency']).toMatchObject({
      alias: ['c'],
      type: 'string',
      defaultDescription: '8',
      describe: RunConfigSchema.shape.concurrency.description,
    });
    expect(options['api']).toMatchObject({ choices: ['chat', 'completions'], defaultDescription: 'chat' });
    expect(options['tolerance']?.defaultDescription).toBe('5%');
    expect(options['dataset']).toMatchObject({ alias: ['d'], array: true });
    expect(options['models']).toBeUndefined();
    // No default shown for an empty list, and none set for yargs to fill in.
    expect(options['model']?.defaultDescription).toBeUndefined();
    for (const option of Object.values(options)) expect(option.default).toBeUndefined();
    for (const [name, option] of Object.entries(options)) expect(option.describe, name).toMatch(/\w/);
  });

  it('read the keys back from parsed arguments, dashed or camelCase', () => {
    expect(flagsFromArgv({ dataset: ['a.csv'], 'max-requests': 5, maxRequests: 5, c: '4', concurrency: '4', _: [] })).toEqual({
      datasets: ['a.csv'],
      maxRequests: 5,
      concurrency: '4',
    });
    expect(flagValuesOf(RUN_FLAGS, { 'allow-unknown-params': true })).toEqual({ allowUnknownParams: true });
  });

  it('check values with the schema, naming the flag', () => {
    const table = {
      out: { type: 'string' },
      summaryMd: { type: 'string' },
      tolerance: { type: 'string' },
      resamples: { type: 'number' },
      seed: { type: 'number' },
      quiet: { alias: ['q'], type: 'boolean' },
      failOnRegression: { type: 'boolean' },
    } as const;
    expect(parseFlags(CompareOptionsSchema, table, {})).toMatchObject({ tolerance: 0.05, resamples: 2000, seed: 1, quiet: false, failOnRegression: false });
    expect(() => parseFlags(CompareOptionsSchema, table, { tolerance: '50' })).toThrow(/^--tolerance: .*did you mean 50%\?/);
    expect(() => parseFlags(CompareOptionsSchema, table, { 'fail-on-regression': 'yes' })).toThrow(/^--fail-on-regression: /);
    expect(Object.keys(yargsOptionsOf(CompareOptionsSchema, table))).toContain('fail-on-regression');
    expect(flagLabelOf('datasets', RUN_FLAGS.datasets)).toBe('-d/--dataset');
  });
});
