import type { Argv, CommandModule } from 'yargs';
import { createLogger } from '../../util/logger.js';

export const reportCommand: CommandModule = {
  command: 'report <dir>',
  describe: 'Rebuild report.html and summary.csv of a run folder from its summary.json and requests.csv',
  builder: (yargs: Argv) =>
    yargs
      .positional('dir', { type: 'string', demandOption: true, describe: 'Folder a qfbench run wrote' })
      .option('excel', { type: 'boolean', default: false, describe: 'Write summary.csv with a UTF-8 BOM for Excel' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print nothing on success' })
      .example('$0 report reports/demo', 'Re-render reports/demo/report.html after upgrading qfbench'),
  handler: async (argv) => {
    const logger = createLogger({ quiet: argv.quiet === true });
    // Vega is heavy: load it only when a report is actually rendered.
    const { rebuildReport } = await import('../../report/rebuild.js');
    const dir = String(argv.dir);
    const result = await rebuildReport(dir, { excelBom: argv.excel === true });
    const rows = result.requestsTotal === undefined ? 'no requests.csv, so no request table' : `${result.requestsTotal} requests, ${result.requestsShown} in the table`;
    logger.info(`wrote ${result.reportHtmlPath} and ${result.summaryCsvPath} (${rows})`);
  },
};
