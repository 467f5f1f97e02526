import type { Argv } from 'yargs';
import { ReportOptionsSchema, type ReportOptions } from '../../config/command-options.js';
import { createLogger } from '../../util/logger.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';

const REPORT_FLAGS: FlagTable<keyof ReportOptions> = {
  excel: { type: 'boolean' },
  quiet: { alias: ['q'], type: 'boolean' },
};

export const reportCommand: QfbenchCommand = {
  command: 'report <dir>',
  flagNames: flagNamesOf(REPORT_FLAGS),
  describe: 'Rebuild report.html and summary.csv of a run folder from its summary.json and requests.csv (a killed run without summary.json: from requests.csv)',
  builder: (yargs: Argv) =>
    yargs
      .positional('dir', { type: 'string', demandOption: true, describe: 'Folder a qfbench run wrote' })
      .options(yargsOptionsOf(ReportOptionsSchema, REPORT_FLAGS))
      .example('$0 report reports/demo', 'Re-render reports/demo/report.html after upgrading qfbench'),
  handler: async (argv) => {
    const options = parseFlags(ReportOptionsSchema, REPORT_FLAGS, argv);
    const logger = createLogger({ quiet: options.quiet });
    // Vega is heavy: load it only when a report is actually rendered.
    const { rebuildReport } = await import('../../report/rebuild.js');
    const dir = String(argv.dir);
    const result = await rebuildReport(dir, { excelBom: options.excel });
    const rows =
      result.requestsTotal === undefined ? 'no requests.csv, so no request table' : `${result.requestsTotal} requests, ${result.requestsShown} in the table`;
    if (result.rebuiltFromRows) {
      logger.warn(`${dir}: no summary.json (was the run killed?): rebuilt it from requests.csv, without cost or inter-chunk figures`);
      logger.warn(`\`qfbench run --resume ${dir}\` completes the run`);
    }
    logger.info(`wrote ${result.reportHtmlPath} and ${result.summaryCsvPath} (${rows})`);
  },
};
