/**
 * A qfbench command: a yargs command module that also lists its flags, so an unknown flag can be
 * answered with the closest real one (src/cli/unknown-flags.ts).
 */
import type { CommandModule } from 'yargs';

export interface QfbenchCommand extends CommandModule {
  command: string;
  /** The command's flag names without dashes: long names and one-letter aliases. */
  flagNames: readonly string[];
}

/** `compare <base> <candidate>` -> `compare`. */
export function commandName(command: QfbenchCommand): string {
  return command.command.split(' ')[0] ?? command.command;
}
