/**
 * A tiny logger to stderr (stdout is kept for results and tables). Every line is redacted, and
 * made inert for the terminal (a server's ANSI escapes or control characters are shown, not run).
 */
import { redact } from './redact.js';
import { terminalSafe } from './terminal-text.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(options: { quiet?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (prefix: string, message: string): void => {
    stream.write(`${prefix}${terminalSafe(redact(message))}\n`);
  };
  return {
    info: (message) => {
      if (!options.quiet) write('', message);
    },
    warn: (message) => write('warning: ', message),
    error: (message) => write('error: ', message),
  };
}
