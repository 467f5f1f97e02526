/**
 * How long a quota lets a model's requests take, and what quota a deadline needs. Limits are
 * requests and tokens per quota window (--quota-window, 60 s on Qianfan), from --rpm/--tpm (paced
 * at the limiter's headroom, as the run does) and/or the budgets the adaptive limiter learned from
 * the server's X-Ratelimit-* headers in an earlier run (summary.json stages[].limiters, already net
 * of headroom): the smaller of the two. Each endpoint has its own quota.
 */
import type { EarlierRun, EstimateConfig, QuotaEstimate } from './estimate-types.js';

/**
 * The adaptive limiter's default headroom (load/limiter.ts DEFAULT_LIMITER_CONFIG; a test pins
 * that they agree). Kept here so cost/ need not import the scheduler it only describes.
 */
export const DEFAULT_PACING_HEADROOM = 0.97;

export interface QuotaDemand {
  requests: number;
  /** Prompt plus output tokens, with the expected and with the high output. */
  tokens: { expected: number; high: number };
}

/** The limiter budgets per quota window the earlier run ended with for this quota key (the largest over its stages). */
function learnedLimits(earlier: EarlierRun | undefined, key: string): { rpm?: number; tpm?: number } {
  const result: { rpm?: number; tpm?: number } = {};
  for (const stage of earlier?.stages ?? []) {
    const limiter = stage.limiters?.[key];
    if (limiter === undefined) continue;
    if (limiter.requestBudget !== undefined && limiter.requestBudget > 0) result.rpm = Math.max(result.rpm ?? 0, limiter.requestBudget);
    if (limiter.tokenBudget !== undefined && limiter.tokenBudget > 0) result.tpm = Math.max(result.tpm ?? 0, limiter.tokenBudget);
  }
  return result;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The quota of one endpoint (`key` is the limiter's quota key, `api/endpoint`) for `demand`. */
export function quotaEstimate(
  config: Pick<EstimateConfig, 'quotaWindow' | 'rpm' | 'tpm' | 'adapt'>,
  key: string,
  earlier: EarlierRun | undefined,
  demand: QuotaDemand,
  options: { headroom: number; deadlineSeconds?: number | undefined },
): QuotaEstimate {
  const { requests, tokens } = demand;
  const window = config.quotaWindow;
  const { headroom, deadlineSeconds } = options;
  const learned = learnedLimits(earlier, key);
  const flags: string[] = [];
  let learnedUsed = false;
  const pick = (flag: number | undefined, seen: number | undefined, name: string): number | null => {
    const fromFlag = flag !== undefined && config.adapt ? flag * headroom : undefined;
    if (fromFlag !== undefined) flags.push(`--${name}`);
    if (seen !== undefined) learnedUsed = true;
    const values = [fromFlag, seen].filter((value): value is number => value !== undefined);
    return values.length > 0 ? Math.min(...values) : null;
  };
  const rpm = pick(config.rpm, learned.rpm, 'rpm');
  const tpm = pick(config.tpm, learned.tpm, 'tpm');
  const time = (tokenCount: number): { seconds: number | null; by: 'rpm' | 'tpm' | null } => {
    const byRequests = rpm !== null ? (requests / rpm) * window : undefined;
    const byTokens = tpm !== null ? (tokenCount / tpm) * window : undefined;
    if (byRequests !== undefined && (byTokens === undefined || byRequests >= byTokens)) return { seconds: round1(byRequests), by: 'rpm' };
    if (byTokens !== undefined) return { seconds: round1(byTokens), by: 'tpm' };
    return { seconds: null, by: null };
  };
  const expected = time(tokens.expected);
  const quota: QuotaEstimate = {
    rpm: rpm === null ? null : round1(rpm),
    tpm: tpm === null ? null : Math.round(tpm),
    limitsFrom:
      [
        ...(flags.length > 0 ? [`${flags.join(' and ')} at the limiter's ${Math.round(headroom * 100)}% headroom`] : []),
        ...(learnedUsed ? ["the earlier run's limiter (learned from X-Ratelimit headers)"] : []),
      ].join('; ') || null,
    timeSeconds: { expected: expected.seconds, high: time(tokens.high).seconds },
    limitedBy: expected.by,
  };
  if (deadlineSeconds !== undefined) {
    const windows = deadlineSeconds / window;
    quota.needed = {
      deadlineSeconds,
      rpm: round1(requests / windows),
      tpm: { expected: Math.ceil(tokens.expected / windows), high: Math.ceil(tokens.high / windows) },
    };
  }
  return quota;
}

/** The largest of the figures, unknown (null) when any is: the run takes as long as its slowest endpoint. */
export function slowest(values: Array<number | null>): number | null {
  if (values.some((value) => value === null)) return null;
  return values.length === 0 ? 0 : Math.max(...values.filter((value): value is number => value !== null));
}
