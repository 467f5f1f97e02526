/**
 * `qfbench estimate`: the run's own preparation (any problem with the input is the same
 * configuration error `run` would give), the price table, an earlier run's summary (--from) and,
 * with --tokenizer server, the tokenizer endpoint's counts; then the pure estimate
 * (cost/estimate-plan.ts). Only the tokenizer endpoint is ever called, against the simulator when
 * --sim is given; never chat.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { distinctPromptTexts, estimateRun } from '../cost/estimate-plan.js';
import { stageRequestCounts } from '../cost/estimate-requests.js';
import type { RunEstimate, TokenizerMode } from '../cost/estimate-types.js';
import { beijingDate, loadPriceTable } from '../cost/prices.js';
import { configError } from '../errors.js';
import { DEFAULT_LIMITER_CONFIG } from '../load/limiter.js';
import type { RunSummary } from '../metrics/types.js';
import { DEFAULT_TIMEOUTS } from '../providers/http.js';
import { createServerTokenizer } from '../providers/qianfan/tokenizer.js';
import { readSummaryJson } from '../report/summary-json.js';
import type { SimOptions } from '../sim/options.js';
import type { Logger } from '../util/logger.js';
import { openTarget } from './open-target.js';
import { prepareRun } from './prepare-run.js';

export interface EstimateCommandOptions {
  config: RunConfig;
  logger: Logger;
  tokenizer: TokenizerMode;
  /** An earlier run's folder (or its summary.json). */
  from?: string;
  deadlineSeconds?: number;
  runsPerDay?: number;
  simOptions?: SimOptions;
  env?: NodeJS.ProcessEnv;
}

async function readEarlierRun(path: string): Promise<{ summary: RunSummary; dir: string }> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'summary.json');
  } catch {
    throw configError(`--from ${path}: no such run folder or summary.json`);
  }
  try {
    return { summary: await readSummaryJson(file), dir: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw configError(`--from ${path}: no summary.json there (give the folder of an earlier run)`);
    throw error;
  }
}

export async function estimateFromConfig(options: EstimateCommandOptions): Promise<RunEstimate> {
  const { config, logger } = options;
  const prepared = await prepareRun(config, logger);
  const prices = await loadPriceTable(config.prices);
  const earlier = options.from !== undefined ? await readEarlierRun(options.from) : undefined;
  const base = {
    config,
    prepared,
    prices,
    priceDate: config.priceDate ?? beijingDate(),
    limiterHeadroom: DEFAULT_LIMITER_CONFIG.headroom,
    ...(earlier !== undefined ? { earlier } : {}),
    ...(options.deadlineSeconds !== undefined ? { deadlineSeconds: options.deadlineSeconds } : {}),
    ...(options.runsPerDay !== undefined ? { runsPerDay: options.runsPerDay } : {}),
  };
  if (options.tokenizer === 'local') return estimateRun({ ...base, tokenizer: 'local' });

  if (config.provider === 'openai' && !config.sim) {
    throw configError("--tokenizer server asks Qianfan's v1 tokenizer endpoint, which --provider openai servers do not have; use --tokenizer local");
  }
  // A plan whose size the estimate cannot know fails before any tokenizer call, as estimateRun would.
  stageRequestCounts(config, 0);
  // The tokenizer endpoint is v1's, also when the run itself would speak the OpenAI protocol to the simulator.
  const target = await openTarget(
    { provider: 'qianfan', sim: config.sim, baseUrl: config.baseUrl, seed: config.seed },
    { env: options.env, connections: 8, timeouts: DEFAULT_TIMEOUTS, catalog: prepared.catalog, simOptions: options.simOptions },
  );
  try {
    if (target.auth.protocol !== 'qianfan') throw new Error(`openTarget gave a ${target.auth.protocol} target for the v1 tokenizer`);
    const tokenizer = createServerTokenizer({ baseUrl: target.baseUrl, auth: target.auth.auth, dispatcher: target.dispatcher, timeouts: target.timeouts });
    // One call per distinct text, all asked before the (synchronous) estimate reads them.
    const texts = distinctPromptTexts(config, prepared);
    const counted = new Map(await Promise.all(texts.map(async (text) => [text, await tokenizer.count(text)] as const)));
    const countTokens = (text: string): number => {
      const tokens = counted.get(text);
      if (tokens === undefined) throw new Error('estimate: a prompt text was not counted by the tokenizer endpoint');
      return tokens;
    };
    const estimate = estimateRun({ ...base, tokenizer: 'server', countTokens });
    estimate.tokenizerCalls = tokenizer.calls;
    estimate.simulatedTokenizer = target.simulated;
    return estimate;
  } finally {
    await target.close();
  }
}
