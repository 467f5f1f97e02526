/**
 * The extensions a run configuration asks for, in the order they act on each request. Record and
 * replay comes first: it marks replayed answers before the others judge or count them.
 */
import type { RunConfig } from '../config/run-config.js';
import type { Logger } from '../util/logger.js';
import { createCostExtension } from './cost-extension.js';
import { createEvalExtension } from './eval-extension.js';
import type { RunExtension } from './extensions.js';
import type { PreparedRun } from './prepare-run.js';
import { createRecordExtension } from './record-extension.js';
import { createSloExtension } from './slo-extension.js';
import { createSessionExtension } from './session-extension.js';

export async function buildExtensions(_config: RunConfig, _prepared: PreparedRun, _logger: Logger, resuming = false): Promise<RunExtension[]> {
  return [
    await createRecordExtension(_config, _prepared, _logger, resuming),
    await createEvalExtension(_config, _prepared, _logger),
    await createCostExtension(_config, _prepared, _logger),
    // After record and replay: it counts answers as marked (a replayed one has no timings to judge).
    ...[createSloExtension(_config, resuming)].filter((extension) => extension !== undefined),
    ...[createSessionExtension(_config)].filter((extension) => extension !== undefined),
  ];
}
