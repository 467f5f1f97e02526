#!/usr/bin/env node
/**
 * qfbench's entry point: command modules are loaded here, and every error ends in one place with
 * its exit code (src/cli/exit-codes.ts). User errors print one line; bugs print their stack.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../errors.js';
import { redact } from '../util/redact.js';
import { terminalSafe } from '../util/terminal-text.js';
import { TOOL_VERSION } from '../version.js';
import { compareCommand } from './commands/compare.js';
import { estimateCommand } from './commands/estimate.js';
import { mergeCommand } from './commands/merge.js';
import { modelsCommand } from './commands/models.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { simCommand } from './commands/sim.js';
import { tokensCommand } from './commands/tokens.js';
import { EXIT, exitCodeForUserError } from './exit-codes.js';

export async function main(args: string[]): Promise<number> {
  try {
    await yargs(args)
      .scriptName('qfbench')
      .version(TOOL_VERSION)
      .command(runCommand)
      .command(estimateCommand)
      .command(simCommand)
      .command(modelsCommand)
      .command(tokensCommand)
      .command(reportCommand)
      .command(compareCommand)
      .command(mergeCommand)
      .demandCommand(1, 'name a command: run, estimate, compare, report, merge, tokens, models or sim')
      .strict()
      .recommendCommands()
      .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
      .fail((message, error) => {
        // yargs' own usage errors are configuration errors too.
        throw error ?? new UsageError(message);
      })
      .wrap(Math.min(120, process.stdout.columns ?? 100))
      .help()
      .parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`qfbench: ${terminalSafe(redact(error.message))}\nRun qfbench --help for usage.\n`);
      return EXIT.config;
    }
    if (isUserError(error)) {
      process.stderr.write(`qfbench: ${terminalSafe(redact(error.message))}\n`);
      return exitCodeForUserError(error.kind);
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`qfbench: internal error (please report it):\n${terminalSafe(redact(text))}\n`);
    return EXIT.internal;
  }
}

class UsageError extends Error {}

process.exitCode = await main(hideBin(process.argv));
