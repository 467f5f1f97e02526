/**
 * A tiny logger to stderr (stdout is kept for results and tables). Every line is redacted.
 */
import { redact } from './redact.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(options: { quiet?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (prefix: string, message: string): void => {
    stream.write(`${prefix}${redact(message)}\n`);
  };
  return {
    info: (message) => {
      if (!options.quiet) write('', message);
    },
    warn: (message) => write('warning: ', message),
    error: (message) => write('error: ', message),
  };
}
