import type { Argv, CommandModule } from 'yargs';
import { createLogger } from '../../util/logger.js';

export const mergeCommand: CommandModule = {
  command: 'merge <dirs..>',
  describe: 'Merge runs made at the same time on several machines into one (histograms are added, never averaged)',
  builder: (yargs: Argv) =>
    yargs
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run folders (each with summary.json and requests.csv)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Folder for the merged run' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .example('$0 merge shard-a shard-b --out reports/merged', 'Combine two load generators into one report'),
  handler: async (argv) => {
    const logger = createLogger({ quiet: argv.quiet === true });
    const { mergeRuns } = await import('../../report/merge.js');
    const result = await mergeRuns(argv.dirs as string[], String(argv.out));
    logger.info(`merged ${result.shards} runs: ${result.cells} cells, ${result.requests} requests -> ${result.outDir}`);
  },
};
