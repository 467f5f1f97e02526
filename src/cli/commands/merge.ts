import type { Argv } from 'yargs';
import { MergeOptionsSchema, type MergeOptions } from '../../config/command-options.js';
import { createLogger } from '../../util/logger.js';
import type { QfbenchCommand } from '../command.js';
import { EXIT, exitCodeForRun } from '../../exit-codes.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';

const MERGE_FLAGS: FlagTable<keyof MergeOptions> = {
  out: { alias: ['o'], type: 'string', required: true },
  quiet: { alias: ['q'], type: 'boolean' },
  force: { type: 'boolean' },
  thresholds: { alias: ['threshold'], type: 'string', array: true },
  baseline: { type: 'string' },
  tolerance: { type: 'string', defaultText: '5%' },
  junit: { type: 'string' },
};

export const mergeCommand: QfbenchCommand = {
  command: 'merge <dirs..>',
  flagNames: flagNamesOf(MERGE_FLAGS),
  describe: 'Merge the shards of one plan (--shard I/N) into one run, checking each slice is there once; --threshold/--baseline/--junit gate on the whole',
  builder: (yargs: Argv) =>
    yargs
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run folders (each with summary.json, requests.csv and run.json)' })
      .options(yargsOptionsOf(MergeOptionsSchema, MERGE_FLAGS))
      .example(
        '$0 merge shard-1 shard-2 shard-3 --out reports/merged --threshold latency.p95<5s --junit junit.xml',
        'Combine three shards and gate CI on the whole',
      ),
  handler: async (argv) => {
    const options = parseFlags(MergeOptionsSchema, MERGE_FLAGS, argv);
    const logger = createLogger({ quiet: options.quiet });
    const { mergeAndCheck } = await import('../../run/merge-checks.js');
    const result = await mergeAndCheck(argv.dirs as string[], options.out, options, logger);
    const merged = result.summary.run.merged;
    if (merged?.forced === true) logger.warn('FORCED merge: the runs do not make up one plan exactly once; its figures are not those of one run');
    const groups = merged?.overlapGroups ?? [];
    const overlap =
      groups.length === 1
        ? 'their time windows overlapped, so rates add up'
        : `${groups.length} groups of overlapping runs (rates add within a group, windows across)`;
    const missing =
      result.missingRequests > 0 ? `; ${result.missingRequests} planned requests have no row (an interrupted shard: resume it and merge again)` : '';
    logger.info(`merged ${result.shards} runs: ${result.cells} cells, ${result.requests} requests -> ${result.outDir}; ${overlap}${missing}`);
    for (const failure of result.verdict.failures) logger.error(failure);
    for (const error of result.verdict.errors) logger.error(error);
    if (result.verdict.abortReason !== undefined) logger.error(`merged run aborted: ${result.verdict.abortReason}`);
    const code = exitCodeForRun(result.verdict, result.missingRequests > 0);
    if (code !== EXIT.ok) process.exitCode = code;
  },
};
