/**
 * `qfbench estimate`: what a run with the same flags would send, cost and take, before sending any
 * of it. It takes every `run` flag (the same datasets, models, parameters, repeats and load) plus a
 * few of its own; only the tokenizer endpoint is ever called, and only with --tokenizer server.
 */
import type { Argv, CommandModule } from 'yargs';
import { parseRunConfig } from '../../config/run-config.js';
import { configError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import { flagsFromArgv, runFlagOptions } from '../run-flags.js';
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

export const estimateCommand: CommandModule = {
  command: 'estimate',
  describe: 'Estimate requests, tokens, cost (low/expected/high) and quota time of a run with the same flags; sends no generation request',
  builder: (yargs: Argv) =>
    yargs
      .options(runFlagOptions())
      .option('tokenizer', {
        choices: ['local', 'server'],
        default: 'local',
        describe: 'Input tokens: offline estimate, or the tokenizer endpoint (one call per distinct text; --sim asks the simulator)',
        group: 'Estimate:',
      })
      .option('from', { type: 'string', describe: "An earlier run's folder: its mean and shortest answer per cell give expected and low output, its limiter the quota", group: 'Estimate:' })
      .option('deadline', { type: 'string', describe: 'Print the requests and tokens per quota window needed to finish within this time (10m, 90s, 1h)', group: 'Estimate:' })
      .option('runs-per-day', { type: 'number', describe: 'CI budget: print the cost per run, per day and per 30 days at this many runs a day', group: 'Estimate:' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (per model and total: requests, inputTokens, outputTokens, costCny, quota)', group: 'Estimate:' })
      .example('$0 estimate -d datasets/demo.csv -m ernie-4.0-8k -m ernie-speed-8k -p temperature=0.3,0.9 --repeat 5', 'What the run would cost, offline')
      .example('$0 estimate -d prompts.csv -m ernie-4.0-8k --from reports/last --deadline 10m --runs-per-day 24', 'With the answer lengths and quota of an earlier run, a deadline and a CI schedule'),
  handler: async (argv) => {
    const args = argv as Record<string, unknown>;
    const config = parseRunConfig(flagsFromArgv(args));
    const logger = createLogger({ quiet: config.quiet });
    const runsPerDay = args['runsPerDay'] as number | undefined;
    if (runsPerDay !== undefined && !(Number.isFinite(runsPerDay) && runsPerDay > 0)) throw configError('--runs-per-day: expected a positive number of runs a day');
    const deadline = args['deadline'] as string | undefined;
    const { estimateFromConfig } = await import('../../run/estimate.js');
    const estimate = await estimateFromConfig({
      config,
      logger,
      tokenizer: args['tokenizer'] === 'server' ? 'server' : 'local',
      ...(typeof args['from'] === 'string' ? { from: args['from'] } : {}),
      ...(deadline !== undefined ? { deadlineSeconds: parseDeadline(deadline) } : {}),
      ...(runsPerDay !== undefined ? { runsPerDay } : {}),
      simOptions: parseSimOptionFlags(config.simOpt),
    });
    if (args['json'] === true) {
      process.stdout.write(`${JSON.stringify(estimate, null, 2)}\n`);
      return;
    }
    const { formatEstimate } = await import('../../cost/estimate-table.js');
    process.stdout.write(`${formatEstimate(estimate)}\n`);
  },
};
