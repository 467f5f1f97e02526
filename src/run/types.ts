/**
 * Types the stages of a run share with the run itself (run-benchmark.ts imports the stages, so
 * the stages take these from here rather than back from it).
 */
import type { RunConfig } from '../config/run-config.js';
import type { AdaptiveLimiter } from '../load/limiter.js';
import type { Outcome } from '../metrics/types.js';
import type { SimOptions } from '../sim/options.js';
import type { Logger } from '../util/logger.js';
import type { RunExtension } from './extensions.js';
import type { ResumeState } from './resume.js';

export interface RunBenchmarkOptions {
  config: RunConfig;
  logger: Logger;
  simOptions?: SimOptions;
  /** Stop dispatching (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Cut requests in flight too (grace over, or second Ctrl-C). */
  abortSignal?: AbortSignal;
  /** Progress callbacks (the CLI draws a bar). */
  onStart?: () => void;
  /** Each finished request's outcome and cell (a live view counts per cell). */
  onFinished?: (outcome: Outcome, cell: { id: string; label: string }) => void;
  /**
   * Called before each stage's first request: its planned size (undefined when --duration bounds
   * it), the stage's limiters, and what the extensions show live (the cost so far), for a live view.
   */
  onPlanned?: (info: {
    requests: number | undefined;
    cells: number;
    /** The stage's cells, in plan order. */
    cellLabels?: ReadonlyArray<{ id: string; label: string }>;
    simulated: boolean;
    stage: string | undefined;
    limiters: ReadonlyMap<string, AdaptiveLimiter>;
    liveText: () => string | undefined;
  }) => void;
  onStageEnd?: () => void;
  /** Features riding along the run (assertions, cost and budgets, recording). */
  extensions?: RunExtension[];
  env?: NodeJS.ProcessEnv;
  /** Continue the run in `resume.dir` (see resume.ts: `resumedConfig` makes `config` and this). */
  resume?: ResumeState;
}

export interface UnsentReason {
  outcome: 'failed' | 'cancelled';
  reason: string;
  code?: string | undefined;
}
