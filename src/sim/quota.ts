/**
 * Per-endpoint RPM/TPM quotas with the real service's observable behaviour: 336501/336502 when a
 * window is spent, and X-Ratelimit-* headers on every answer so adaptive clients can learn the limit.
 * How the quota refills (rolling window, fixed window, token bucket) is window-totals.ts.
 */
import { WindowTotals, type WindowConfig } from './window-totals.js';

export interface QuotaConfig extends WindowConfig {
  rpm: number;
  tpm: number;
}

export type AdmitResult = { ok: true } | { ok: false; limit: 'rpm' | 'tpm' };

export class EndpointQuota {
  private readonly window: WindowTotals<'requests' | 'tokens'>;

  constructor(private readonly config: QuotaConfig) {
    this.window = new WindowTotals(config, ['requests', 'tokens'], { requests: config.rpm, tokens: config.tpm });
  }

  /** Admits (and charges 1 request + prompt tokens) or names the exhausted limit without charging. */
  admit(promptTokens: number, now: number): AdmitResult {
    const { rpm, tpm } = this.config;
    // Unlimited: nothing to enforce or report, so keep no log at all.
    if (rpm === 0 && tpm === 0) return { ok: true };
    const used = this.window.at(now);
    // A whole request must fit (a bucket's total is fractional).
    if (rpm > 0 && used.requests + 1 > rpm) return { ok: false, limit: 'rpm' };
    if (tpm > 0 && (used.tokens >= tpm || promptTokens > tpm - used.tokens)) return { ok: false, limit: 'tpm' };
    this.window.charge(now, { requests: 1, tokens: promptTokens });
    return { ok: true };
  }

  /** Completion tokens are charged when the answer completes, as the real service bills them. */
  chargeCompletion(completionTokens: number, now: number): void {
    if (this.config.tpm === 0 || completionTokens <= 0) return;
    this.window.charge(now, { tokens: completionTokens });
  }

  /** Headers for the limits that are set; Remaining (whole units) reflects the window as of `now`. */
  headers(now: number): Record<string, string> {
    const used = this.window.at(now);
    const headers: Record<string, string> = {};
    const { rpm, tpm } = this.config;
    if (rpm > 0) {
      headers['X-Ratelimit-Limit-Requests'] = String(rpm);
      headers['X-Ratelimit-Remaining-Requests'] = String(Math.max(0, Math.floor(rpm - used.requests)));
    }
    if (tpm > 0) {
      headers['X-Ratelimit-Limit-Tokens'] = String(tpm);
      headers['X-Ratelimit-Remaining-Tokens'] = String(Math.max(0, Math.floor(tpm - used.tokens)));
    }
    return headers;
  }
}

/** One quota per endpoint path, created on first use. */
export class QuotaBook {
  private readonly byEndpoint = new Map<string, EndpointQuota>();

  constructor(private readonly config: QuotaConfig) {}

  for(endpointKey: string): EndpointQuota {
    let quota = this.byEndpoint.get(endpointKey);
    if (!quota) {
      quota = new EndpointQuota(this.config);
      this.byEndpoint.set(endpointKey, quota);
    }
    return quota;
  }
}
