/**
 * Quotas of the v2 (OpenAI-compatible) API family: the same `rpm` / `tpm` / window options as v1
 * (quota.ts), kept in a book of their own, per v2 model (chat) or per embedding model, so v1 and v2
 * traffic to the same model do not share a window. What differs from v1 is what a client sees:
 *
 *   - v2 reports token quotas split into input and output (qianfan-api.md §5.1). The simulator
 *     splits `tpm` in two halves: input = ceil(tpm / 2), output = tpm - input (at least 1 each), so
 *     the two limits add up to the v1 combined limit. Prompt tokens are charged to the input half on
 *     admission, completion tokens to the output half when the answer completes (as v1 bills them).
 *   - A request is refused when the requests are spent, when its prompt does not fit in what is left
 *     of the input half, or when the output half is spent. Refusals are HTTP 429 with
 *     `rpm_rate_limit_exceeded` or `tpm_rate_limit_exceeded` and a Retry-After header (v2-responses.ts).
 *   - `retryAfterMs` tells when the window will have freed enough: in 'rolling' mode the instant the
 *     oldest charges that must expire do so, in 'fixed' mode the next window boundary.
 *
 * The window itself (rolling or fixed) is window-totals.ts, as for v1.
 */
import type { QuotaConfig } from './quota.js';
import { WindowTotals } from './window-totals.js';

export type V2Limit = 'rpm' | 'input_tpm' | 'output_tpm';

export type V2AdmitResult = { ok: true } | { ok: false; limit: V2Limit; retryAfterMs: number };

/** The input and output halves of a combined tokens-per-window quota (0 = unlimited). */
export function splitTokenQuota(tpm: number): { input: number; output: number } {
  if (tpm <= 0) return { input: 0, output: 0 };
  const input = Math.max(1, Math.ceil(tpm / 2));
  return { input, output: Math.max(1, tpm - input) };
}

export class V2EndpointQuota {
  private readonly window: WindowTotals<'requests' | 'input' | 'output'>;
  readonly inputLimit: number;
  readonly outputLimit: number;

  constructor(private readonly config: QuotaConfig) {
    const split = splitTokenQuota(config.tpm);
    this.inputLimit = split.input;
    this.outputLimit = split.output;
    this.window = new WindowTotals(config, ['requests', 'input', 'output'], { requests: config.rpm, input: split.input, output: split.output });
  }

  /** Admits (charging 1 request + the prompt tokens) or names the spent limit without charging. */
  admit(promptTokens: number, now: number): V2AdmitResult {
    const { rpm, tpm } = this.config;
    if (rpm === 0 && tpm === 0) return { ok: true };
    const used = this.window.at(now);
    // A whole request must fit (a bucket's total is fractional).
    if (rpm > 0 && used.requests + 1 > rpm) {
      return { ok: false, limit: 'rpm', retryAfterMs: this.window.waitUntil(now, (freed) => used.requests - freed.requests + 1 <= rpm) };
    }
    if (tpm > 0 && (used.input >= this.inputLimit || promptTokens > this.inputLimit - used.input)) {
      // A prompt larger than the whole input half never fits: advise a whole window.
      const retryAfterMs =
        promptTokens > this.inputLimit
          ? this.config.windowMs
          : this.window.waitUntil(now, (freed) => used.input - freed.input <= this.inputLimit - promptTokens);
      return { ok: false, limit: 'input_tpm', retryAfterMs };
    }
    if (tpm > 0 && used.output + 1 > this.outputLimit) {
      return { ok: false, limit: 'output_tpm', retryAfterMs: this.window.waitUntil(now, (freed) => used.output - freed.output + 1 <= this.outputLimit) };
    }
    this.window.charge(now, { requests: 1, input: promptTokens });
    return { ok: true };
  }

  /** Completion tokens are charged to the output half when the answer completes. */
  chargeCompletion(completionTokens: number, now: number): void {
    if (this.config.tpm === 0 || completionTokens <= 0) return;
    this.window.charge(now, { output: completionTokens });
  }

  /** v2 headers for the limits that are set; Remaining reflects the window as of `now`. */
  headers(now: number): Record<string, string> {
    const used = this.window.at(now);
    const headers: Record<string, string> = {};
    const { rpm, tpm } = this.config;
    if (rpm > 0) {
      headers['X-Ratelimit-Limit-Requests'] = String(rpm);
      headers['X-Ratelimit-Remaining-Requests'] = String(Math.max(0, Math.floor(rpm - used.requests)));
    }
    if (tpm > 0) {
      headers['X-Ratelimit-Limit-Input-Tokens'] = String(this.inputLimit);
      headers['X-Ratelimit-Limit-Output-Tokens'] = String(this.outputLimit);
      headers['X-Ratelimit-Remaining-Input-Tokens'] = String(Math.max(0, Math.floor(this.inputLimit - used.input)));
      headers['X-Ratelimit-Remaining-Output-Tokens'] = String(Math.max(0, Math.floor(this.outputLimit - used.output)));
    }
    return headers;
  }
}

/** One v2 quota per key (`chat/<endpoint>`, `embeddings/<model>`), created on first use. */
export class V2QuotaBook {
  private readonly byKey = new Map<string, V2EndpointQuota>();

  constructor(private readonly config: QuotaConfig) {}

  for(key: string): V2EndpointQuota {
    let quota = this.byKey.get(key);
    if (!quota) {
      quota = new V2EndpointQuota(this.config);
      this.byKey.set(key, quota);
    }
    return quota;
  }
}

/** Retry-After in whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
