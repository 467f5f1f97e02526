#!/usr/bin/env node
/**
 * qfbench's entry point: command modules are loaded here, and every error ends in one place with
 * its exit code (src/exit-codes.ts). User errors print one line; bugs print their stack.
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../errors.js';
import { redact } from '../util/redact.js';
import { terminalSafe } from '../util/terminal-text.js';
import { TOOL_VERSION } from '../version.js';
import { commandName, type QfbenchCommand } from './command.js';
import { compareCommand } from './commands/compare.js';
import { estimateCommand } from './commands/estimate.js';
import { k8sCommand } from './commands/k8s.js';
import { mergeCommand } from './commands/merge.js';
import { modelsCommand } from './commands/models.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { simCommand } from './commands/sim.js';
import { tokensCommand } from './commands/tokens.js';
import { EXIT, exitCodeForUserError } from '../exit-codes.js';
import { unknownArgumentsMessage } from './unknown-flags.js';

// yargs' ES module build wraps help text every N characters, cutting words in half; its CommonJS
// build wraps at spaces (wrap-ansi). Same package, same API, same types.
const yargs = createRequire(import.meta.url)('yargs') as (args: readonly string[]) => Argv;

const COMMANDS: readonly QfbenchCommand[] = [
  runCommand,
  estimateCommand,
  simCommand,
  modelsCommand,
  tokensCommand,
  reportCommand,
  compareCommand,
  mergeCommand,
  k8sCommand,
];
const BUILT_IN_FLAGS = ['help', 'version'];

/** Help wraps at the terminal's width (at most 120), or at 100 when the output is not a terminal. */
const HELP_WIDTH = Math.min(120, process.stdout.columns ?? 100);

export async function main(args: string[]): Promise<number> {
  const name = args.find((arg) => !arg.startsWith('-'));
  const command = COMMANDS.find((candidate) => commandName(candidate) === name);
  try {
    let cli = yargs(args).scriptName('qfbench').version(TOOL_VERSION).locale('en');
    for (const each of COMMANDS) cli = cli.command(each);
    await cli
      .example('$0 run --sim -d datasets/demo.csv -m ernie-speed-8k', 'A first benchmark on the built-in simulator (no credentials)')
      .example('$0 run --help', 'Every flag of a command')
      .demandCommand(1, 'name a command: run, estimate, compare, report, merge, k8s, tokens, models or sim')
      .strict()
      .recommendCommands()
      .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true })
      .fail((message, error) => {
        // yargs' own usage errors are configuration errors too.
        if (error !== undefined && error !== null) throw error;
        const known = [...(command?.flagNames ?? []), ...BUILT_IN_FLAGS];
        throw new UsageError(
          unknownArgumentsMessage(message, args, command !== undefined ? commandName(command) : undefined, known) ??
            `${message} (see qfbench ${command !== undefined ? `${commandName(command)} ` : ''}--help)`,
        );
      })
      .wrap(HELP_WIDTH)
      .help()
      .parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`qfbench: ${terminalSafe(redact(error.message))}\n`);
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
