/**
 * A server's error message as qfbench keeps it: redacted first, then cut, so neither a secret the
 * server echoed nor a body of megabytes reaches a CSV cell, a log line or a JUnit file.
 */
import { cutRedacted } from '../util/redact.js';

/** The longest server error message kept. */
export const MAX_SERVER_MESSAGE_CHARS = 2000;

export function serverMessage(text: string): string {
  return cutRedacted(text, MAX_SERVER_MESSAGE_CHARS);
}
