/**
 * `qfbench estimate`: what a run with the same flags would send, cost and take, before sending any
 * of it. It takes every `run` flag (the same datasets, models, parameters, repeats and load) plus a
 * few of its own; only the tokenizer endpoint is ever called, and only with --tokenizer server.
 */
import type { Argv } from 'yargs';
import { EstimateOptionsSchema, type EstimateOptions } from '../../config/command-options.js';
import { configError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';
import { RUN_FLAG_NAMES, runConfigFromArgv, runFlagOptions } from '../run-flags.js';
import { parseSimOptionFlags } from '../sim-flags.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `10m`, `90s`, `1h30m` or a bare number of seconds, as seconds. */
export function parseDeadline(text: string): number {
  const trimmed = text.trim();
  let seconds: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) seconds = Number(trimmed);
  else if (/^(\d+(\.\d+)?[hms])+$/.test(trimmed)) {
    seconds = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([hms])/g)) seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  }
  if (seconds === undefined || !(seconds > 0)) throw configError(`--deadline ${text}: expected a duration like 10m, 90s or 1h30m (a bare number is seconds)`);
  return seconds;
}

const ESTIMATE_FLAGS: FlagTable<keyof EstimateOptions> = {
  tokenizer: { type: 'string', group: 'Estimate:' },
  from: { type: 'string', group: 'Estimate:' },
  deadline: { type: 'string', group: 'Estimate:' },
  runsPerDay: { type: 'number', group: 'Estimate:' },
  json: { type: 'boolean', group: 'Estimate:' },
};

export const estimateCommand: QfbenchCommand = {
  command: 'estimate',
  flagNames: [...RUN_FLAG_NAMES, ...flagNamesOf(ESTIMATE_FLAGS)],
  describe: 'Estimate requests, tokens, cost (low/expected/high) and quota time of a run with the same flags; sends no generation request',
  builder: (yargs: Argv) =>
    yargs
      .options(runFlagOptions())
      .options(yargsOptionsOf(EstimateOptionsSchema, ESTIMATE_FLAGS))
      .example('$0 estimate -d datasets/demo.csv -m ernie-4.0-8k -m ernie-speed-8k -p temperature=0.3,0.9 --repeat 5', 'What the run would cost, offline')
      .example(
        '$0 estimate -d prompts.csv -m ernie-4.0-8k --from reports/last --deadline 10m --runs-per-day 24',
        'With the answer lengths and quota of an earlier run, a deadline and a CI schedule',
      )
      .example('$0 estimate --config qfbench.yaml', 'The cost of the run a config file describes'),
  handler: async (argv) => {
    const args = argv as Record<string, unknown>;
    const options = parseFlags(EstimateOptionsSchema, ESTIMATE_FLAGS, args);
    const config = await runConfigFromArgv(args);
    const logger = createLogger({ quiet: config.quiet });
    const { runsPerDay, deadline } = options;
    const { estimateFromConfig } = await import('../../run/estimate-command.js');
    const estimate = await estimateFromConfig({
      config,
      logger,
      tokenizer: options.tokenizer,
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(deadline !== undefined ? { deadlineSeconds: parseDeadline(deadline) } : {}),
      ...(runsPerDay !== undefined ? { runsPerDay } : {}),
      simOptions: parseSimOptionFlags(config.simOpt),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(estimate, null, 2)}\n`);
      return;
    }
    const { formatEstimate } = await import('../../report/estimate-table.js');
    process.stdout.write(`${formatEstimate(estimate)}\n`);
  },
};
