/**
 * Per-endpoint RPM/TPM quotas with the real service's observable behaviour: 336501/336502 when a
 * window is spent, and X-Ratelimit-* headers on every answer so adaptive clients can learn the limit.
 *
 * 'rolling' keeps a log of timestamped charges and forgets each one windowMs after it was made;
 * 'fixed' resets both counters at every multiple of windowMs since the simulator started. Charges
 * only ever append to the log and expiry only pops from its front, so both are O(1) amortised.
 */
import type { QuotaWindowMode } from './options.js';

export interface QuotaConfig {
  rpm: number;
  tpm: number;
  mode: QuotaWindowMode;
  windowMs: number;
  /** Origin of fixed windows (monotonic ms). */
  startedAt: number;
}

export type AdmitResult = { ok: true } | { ok: false; limit: 'rpm' | 'tpm' };

interface Charge {
  at: number;
  requests: number;
  tokens: number;
}

export class EndpointQuota {
  private readonly log: Charge[] = [];
  private head = 0;
  private requests = 0;
  private tokens = 0;
  private fixedWindowIndex = 0;

  constructor(private readonly config: QuotaConfig) {}

  /** Admits (and charges 1 request + prompt tokens) or names the exhausted limit without charging. */
  admit(promptTokens: number, now: number): AdmitResult {
    const { rpm, tpm } = this.config;
    // Unlimited: nothing to enforce or report, so keep no log at all.
    if (rpm === 0 && tpm === 0) return { ok: true };
    this.advance(now);
    if (rpm > 0 && this.requests >= rpm) return { ok: false, limit: 'rpm' };
    if (tpm > 0 && (this.tokens >= tpm || promptTokens > tpm - this.tokens)) return { ok: false, limit: 'tpm' };
    this.charge(now, 1, promptTokens);
    return { ok: true };
  }

  /** Completion tokens are charged when the answer completes, as the real service bills them. */
  chargeCompletion(completionTokens: number, now: number): void {
    if (this.config.tpm === 0) return;
    this.advance(now);
    if (completionTokens > 0) this.charge(now, 0, completionTokens);
  }

  /** Headers for the limits that are set; Remaining reflects the window as of `now`. */
  headers(now: number): Record<string, string> {
    this.advance(now);
    const headers: Record<string, string> = {};
    const { rpm, tpm } = this.config;
    if (rpm > 0) {
      headers['X-Ratelimit-Limit-Requests'] = String(rpm);
      headers['X-Ratelimit-Remaining-Requests'] = String(Math.max(0, rpm - this.requests));
    }
    if (tpm > 0) {
      headers['X-Ratelimit-Limit-Tokens'] = String(tpm);
      headers['X-Ratelimit-Remaining-Tokens'] = String(Math.max(0, tpm - this.tokens));
    }
    return headers;
  }

  private charge(now: number, requests: number, tokens: number): void {
    this.requests += requests;
    this.tokens += tokens;
    // A fixed window only needs the running totals; the log is for rolling expiry.
    if (this.config.mode === 'rolling') this.log.push({ at: now, requests, tokens });
  }

  private advance(now: number): void {
    const { mode, windowMs, startedAt } = this.config;
    if (mode === 'fixed') {
      const index = Math.floor((now - startedAt) / windowMs);
      if (index !== this.fixedWindowIndex) {
        this.fixedWindowIndex = index;
        this.requests = 0;
        this.tokens = 0;
      }
      return;
    }
    const cutoff = now - windowMs;
    while (this.head < this.log.length) {
      const oldest = this.log[this.head] as Charge;
      if (oldest.at > cutoff) break;
      this.requests -= oldest.requests;
      this.tokens -= oldest.tokens;
      this.head++;
    }
    // Drop the consumed prefix once it dominates, so memory stays proportional to the live window.
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
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
