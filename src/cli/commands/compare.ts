import type { Argv } from 'yargs';
import { CompareOptionsSchema, type CompareOptions } from '../../config/command-options.js';
import { configError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import type { QfbenchCommand } from '../command.js';
import { EXIT } from '../../exit-codes.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';

const COMPARE_FLAGS: FlagTable<keyof CompareOptions> = {
  out: { alias: ['o'], type: 'string' },
  summaryMd: { type: 'string' },
  tolerance: { type: 'string', defaultText: '5%' },
  resamples: { type: 'number' },
  seed: { type: 'number' },
  quiet: { alias: ['q'], type: 'boolean' },
  failOnRegression: { type: 'boolean' },
};

export const compareCommand: QfbenchCommand = {
  command: 'compare <base> <candidate>',
  flagNames: flagNamesOf(COMPARE_FLAGS),
  describe: 'Compare two run folders cell by cell (timings, rates and assertion pass rates), with confidence intervals; write compare.html and compare.md',
  builder: (yargs: Argv) =>
    yargs
      .positional('base', { type: 'string', demandOption: true, describe: 'Folder of the baseline run' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'Folder of the run to judge' })
      .options(yargsOptionsOf(CompareOptionsSchema, COMPARE_FLAGS))
      .example('$0 compare reports/before reports/after', 'Is the candidate slower than the base?')
      .example('$0 compare reports/main reports/pr --fail-on-regression', 'Fail a CI job on a regression (exit 3)'),
  handler: async (argv) => {
    const options = parseFlags(CompareOptionsSchema, COMPARE_FLAGS, argv);
    const logger = createLogger({ quiet: options.quiet });
    const { compareRunFolders, defaultCompareOutDir, writeComparisonReports } = await import('../../report/compare/index.js');
    const { noMatchMessage, regressedCells } = await import('../../compare/index.js');
    const { appendGithubStepSummary } = await import('../../report/markdown.js');
    const { writeFileAtomic } = await import('../../util/fs-util.js');
    const result = await compareRunFolders(String(argv.base), String(argv.candidate), {
      tolerance: options.tolerance,
      resamples: options.resamples,
      seed: options.seed,
    });
    // Nothing matched: a table of nothing would read as "no regression"; it is the wrong pair of folders.
    if (result.matched.length === 0) throw configError(noMatchMessage(String(argv.base), String(argv.candidate), result.unmatched));
    const outDir = options.out !== undefined && options.out !== '' ? options.out : defaultCompareOutDir();
    const written = await writeComparisonReports(result, outDir);
    process.stdout.write(written.markdown);
    if (options.summaryMd !== undefined && options.summaryMd !== '') await writeFileAtomic(options.summaryMd, written.markdown);
    if (await appendGithubStepSummary(written.markdown)) logger.info('appended the table to GITHUB_STEP_SUMMARY');
    logger.info(`wrote ${written.htmlPath} and ${written.markdownPath}`);
    if (result.hasRegression) {
      // Name what regressed in each cell: a pass rate that fell is the first thing a reader needs to see.
      const cells = regressedCells(result).map(({ cell, names }) => `${cell.label} (${names.join(', ')})`);
      const text =
        `${result.regressions} regression(s) in ${cells.length} of ${result.matched.length} matched ` +
        `cell(s): ${cells.slice(0, 5).join('; ')}${cells.length > 5 ? '; …' : ''}`;
      if (options.failOnRegression) {
        logger.error(text);
        process.exitCode = EXIT.testFailed;
      } else {
        logger.info(text);
      }
    }
  },
};
