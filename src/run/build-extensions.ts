/**
 * The extensions a run configuration asks for, in the order they act on each request.
 */
import type { RunConfig } from '../config/run-config.js';
import type { Logger } from '../util/logger.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';

export async function buildExtensions(_config: RunConfig, _prepared: PreparedRun, _logger: Logger): Promise<RunExtension[]> {
  return [];
}
