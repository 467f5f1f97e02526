/**
 * OAuth access tokens: issuing them (the endpoint that hands them out is oauth-endpoint.ts) and
 * checking them on the API endpoints. `authenticate` is the single gate every v1 API request passes; it also verifies the
 * bce-auth-v1 request signature (IAM AK/SK, signature.ts) when the request carries one. v2
 * requests pass `bearerOk` instead.
 */
import type { IncomingMessage } from 'node:http';
import { hashString, seededRandom, type Random } from '../util/random.js';
import { now } from '../util/clock.js';
import { v1Error, type V1Error } from './responses.js';
import { isBceAuthorization, verifyBceAuthorization, type IamCredentials } from './signature.js';

interface IssuedToken {
  sequence: number;
  expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();
  private issued = 0;
  /** Tokens with a sequence number up to this one count as expired (expireTokens()). */
  private expiredThrough = 0;
  private readonly random: Random;

  constructor(
    readonly credentials: { ak: string; sk: string },
    private readonly ttlMs: number,
    seed: number,
  ) {
    this.random = seededRandom(hashString('oauth', hashString(String(seed))));
  }

  issue(): Record<string, unknown> {
    const sequence = ++this.issued;
    const expiresInSeconds = Math.round(this.ttlMs / 1000);
    const expiryUnix = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const appId = 10_000_000 + Math.floor(this.random() * 89_999_999);
    const accessToken = `24.${this.hex(32)}.${expiresInSeconds}.${expiryUnix}.${this.digits(9)}-${appId}`;
    this.tokens.set(accessToken, { sequence, expiresAt: now() + this.ttlMs });
    return {
      refresh_token: `25.${this.hex(32)}.315360000.${expiryUnix + 315_360_000 - expiresInSeconds}.${this.digits(9)}-${appId}`,
      expires_in: expiresInSeconds,
      session_key: this.hex(64),
      access_token: accessToken,
      scope: 'public brain_all_scope wenxinworkshop_mgr ai_custom_yiyan_com ai_custom_qianfan_bloomz_7b_compressed',
      session_secret: this.hex(32),
    };
  }

  expireAll(): void {
    this.expiredThrough = this.issued;
  }

  check(token: string): 'ok' | 'invalid' | 'expired' {
    const issued = this.tokens.get(token);
    if (!issued) return 'invalid';
    if (issued.sequence <= this.expiredThrough || now() >= issued.expiresAt) return 'expired';
    return 'ok';
  }

  private hex(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += Math.floor(this.random() * 16).toString(16);
    return text;
  }

  private digits(length: number): string {
    let text = String(1 + Math.floor(this.random() * 9));
    for (let i = 1; i < length; i++) text += String(Math.floor(this.random() * 10));
    return text;
  }
}

export type AuthResult = { ok: true } | { ok: false; error: V1Error };

export interface AuthContext {
  tokens: TokenStore;
  /** The IAM key pair bce-auth-v1 signatures must be made with; without it every signature fails. */
  iam?: IamCredentials;
}

export function authenticate(req: IncomingMessage, url: URL, context: AuthContext): AuthResult {
  const authorization = req.headers.authorization;
  if (isBceAuthorization(authorization)) {
    if (context.iam === undefined) return { ok: false, error: v1Error(14) };
    const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    const verdict = verifyBceAuthorization(authorization, request, context.iam);
    return verdict.ok ? { ok: true } : { ok: false, error: v1Error(14) };
  }
  const token = url.searchParams.get('access_token');
  if (!token) return { ok: false, error: v1Error(110) };
  const state = context.tokens.check(token);
  if (state === 'invalid') return { ok: false, error: v1Error(110) };
  if (state === 'expired') return { ok: false, error: v1Error(111) };
  return { ok: true };
}

/** v2: `Authorization: Bearer <key>` with the configured key. */
export function bearerOk(req: IncomingMessage, expected: string): boolean {
  const value = req.headers.authorization;
  if (typeof value !== 'string') return false;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match !== null && match[1] === expected;
}
