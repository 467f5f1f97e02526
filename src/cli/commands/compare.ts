import type { Argv, CommandModule } from 'yargs';
import { ToleranceSchema } from '../../config/run-config.js';
import { configError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import { EXIT } from '../exit-codes.js';

/** `5%` or `0.05` to a fraction, with the same rule as `run --tolerance`. */
export function parseTolerance(raw: unknown): number {
  const text = typeof raw === 'number' ? raw : String(raw ?? '');
  const parsed = ToleranceSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  // A bare number above 1 was almost certainly meant as a percentage.
  const hint = /^\s*\d+(\.\d+)?\s*$/.test(String(text)) && Number(text) > 1 ? `; did you mean ${String(text).trim()}%?` : '';
  throw configError(`--tolerance ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}${hint}`);
}

export const compareCommand: CommandModule = {
  command: 'compare <base> <candidate>',
  describe: 'Compare two run folders cell by cell, with confidence intervals; write compare.html and compare.md',
  builder: (yargs: Argv) =>
    yargs
      .positional('base', { type: 'string', demandOption: true, describe: 'Folder of the baseline run' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'Folder of the run to judge' })
      .option('out', { alias: 'o', type: 'string', describe: 'Output folder (default reports/compare-<timestamp>)' })
      .option('summary-md', { type: 'string', describe: 'Also write the Markdown table to FILE (GITHUB_STEP_SUMMARY, when set, always gets it appended)' })
      .option('tolerance', { type: 'string', default: '5%', describe: 'Smallest relative change called a regression or improvement (5% or 0.05)' })
      .option('resamples', { type: 'number', default: 2000, describe: 'Bootstrap resamples' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the sampling and the bootstrap' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only the Markdown table' })
      .option('fail-on-regression', { type: 'boolean', default: false, describe: 'Exit 3 when any metric of a matched cell regressed (the files are written first)' })
      .example('$0 compare reports/before reports/after', 'Is the candidate slower than the base?')
      .example('$0 compare reports/main reports/pr --fail-on-regression', 'Fail a CI job on a regression (exit 3)'),
  handler: async (argv) => {
    const logger = createLogger({ quiet: argv.quiet === true });
    const tolerance = parseTolerance(argv.tolerance);
    const { compareRuns, defaultCompareOutDir, noMatchMessage, writeComparisonReports } = await import('../../report/compare/index.js');
    const { appendGithubStepSummary } = await import('../../report/markdown.js');
    const { writeFileAtomic } = await import('../../report/fs-util.js');
    const result = await compareRuns(String(argv.base), String(argv.candidate), {
      tolerance,
      resamples: argv.resamples as number,
      seed: argv.seed as number,
    });
    // Nothing matched: a table of nothing would read as "no regression"; it is the wrong pair of folders.
    if (result.matched.length === 0) throw configError(noMatchMessage(String(argv.base), String(argv.candidate), result.unmatched));
    const outDir = typeof argv.out === 'string' && argv.out !== '' ? argv.out : defaultCompareOutDir();
    const written = await writeComparisonReports(result, outDir);
    process.stdout.write(written.markdown);
    const summaryMd = argv['summary-md'];
    if (typeof summaryMd === 'string' && summaryMd !== '') await writeFileAtomic(summaryMd, written.markdown);
    if (await appendGithubStepSummary(written.markdown)) logger.info('appended the table to GITHUB_STEP_SUMMARY');
    logger.info(`wrote ${written.htmlPath} and ${written.markdownPath}`);
    if (result.hasRegression) {
      const cells = result.matched.filter((cell) => cell.deltas.some((delta) => delta.verdict === 'regression')).map((cell) => cell.label);
      const text = `${result.regressions} regression(s) in ${cells.length} of ${result.matched.length} matched cell(s): ${cells.slice(0, 5).join(', ')}${cells.length > 5 ? ', …' : ''}`;
      if (argv['fail-on-regression'] === true) {
        logger.error(text);
        process.exitCode = EXIT.testFailed;
      } else {
        logger.info(text);
      }
    }
  },
};
