import type { Argv } from 'yargs';
import { MergeOptionsSchema, type MergeOptions } from '../../config/command-options.js';
import { createLogger } from '../../util/logger.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';

const MERGE_FLAGS: FlagTable<keyof MergeOptions> = {
  out: { alias: ['o'], type: 'string', required: true },
  quiet: { alias: ['q'], type: 'boolean' },
};

export const mergeCommand: QfbenchCommand = {
  command: 'merge <dirs..>',
  flagNames: flagNamesOf(MERGE_FLAGS),
  describe: 'Merge runs made at the same time on several machines into one (histograms are added, never averaged)',
  builder: (yargs: Argv) =>
    yargs
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run folders (each with summary.json and requests.csv)' })
      .options(yargsOptionsOf(MergeOptionsSchema, MERGE_FLAGS))
      .example('$0 merge shard-a shard-b --out reports/merged', 'Combine two load generators into one report'),
  handler: async (argv) => {
    const options = parseFlags(MergeOptionsSchema, MERGE_FLAGS, argv);
    const logger = createLogger({ quiet: options.quiet });
    const { mergeRuns } = await import('../../report/merge.js');
    const result = await mergeRuns(argv.dirs as string[], options.out);
    logger.info(`merged ${result.shards} runs: ${result.cells} cells, ${result.requests} requests -> ${result.outDir}`);
  },
};
