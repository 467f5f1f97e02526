/**
 * yargs' strict mode says "Unknown arguments: concurency, x"; this turns it into one line that
 * names each flag as it was typed and the closest real flag of the command, if one is close.
 */
import { closestName } from '../config/did-you-mean.js';

const UNKNOWN = /^Unknown arguments?: (.+)$/;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * The message for yargs' unknown-argument failure, or undefined when `message` is another one.
 * `known` lists the command's flag names without dashes (long names and one-letter aliases).
 */
export function unknownArgumentsMessage(message: string, args: readonly string[], command: string | undefined, known: readonly string[]): string | undefined {
  const match = UNKNOWN.exec(message);
  if (match === null) return undefined;
  const names = (match[1] ?? '').split(', ');
  const typed = args.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).replace(/=.*$/s, ''));
  const given = new Set(typed.map((name) => name.replace(/^no-/, '')));
  // yargs reports `--no-straem` as `straem`: name it as typed, and suggest the negated flag.
  const negated = new Set(typed.filter((name) => name.startsWith('no-')).map((name) => name.slice(3)));
  const shorts = args.filter((arg) => /^-[^-]/.test(arg)).join('');
  const pieces: string[] = [];
  for (const name of names) {
    // yargs adds a camelCase copy of a dashed name (`maxRequest` beside `max-request`).
    if (name !== kebab(name) && names.includes(kebab(name))) continue;
    if (given.has(name) || given.has(kebab(name))) {
      const near = closestName(
        name,
        known.filter((flag) => flag.length > 1),
      );
      const no = negated.has(name) || negated.has(kebab(name)) ? 'no-' : '';
      pieces.push(`--${no}${name}${near !== undefined ? ` (did you mean --${no}${near}?)` : ''}`);
    } else if (name.length === 1 && shorts.includes(name)) {
      pieces.push(`-${name}`);
    } else {
      pieces.push(JSON.stringify(name));
    }
  }
  const flags = pieces.filter((piece) => piece.startsWith('-'));
  const where = command !== undefined ? `qfbench ${command} --help` : 'qfbench --help';
  const noun =
    flags.length === pieces.length
      ? pieces.length === 1
        ? 'unknown flag'
        : 'unknown flags'
      : pieces.length === 1
        ? 'unexpected argument'
        : 'unknown arguments';
  // One flag with a hint reads as a sentence: "unknown flag --concurency; did you mean --concurrency?"
  const single = pieces.length === 1 ? (pieces[0] as string).replace(/ \((did you mean [^)]*\?)\)$/, '; $1') : pieces.join(', ');
  return `${noun} ${single} (see ${where})`;
}
