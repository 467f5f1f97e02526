/**
 * OAuth access tokens for v1 (qianfan-api.md 1A). One fetch serves every concurrent request
 * (single flight); a refresh after error 110/111 is single-flight too, so a hundred requests that
 * all saw an expired token cause one token request, not a hundred. The secret key only ever
 * travels in the token request's query string; no message built here contains it.
 */
import { request, type Dispatcher } from 'undici';
import { UserError } from '../../errors.js';

export interface OAuthCredentials {
  ak: string;
  sk: string;
}

export interface TokenGrant {
  accessToken: string;
  /** Seconds, as the server said; informational (v1 SDKs refresh on 111, not on a clock). */
  expiresIn?: number;
}

export type TokenFetcher = () => Promise<TokenGrant>;

/** A cached token with single-flight fetch and refresh. */
export class AccessTokenSource {
  private current: Promise<string> | undefined;
  private fetches = 0;

  constructor(private readonly fetchToken: TokenFetcher) {}

  /** How many token requests this source has made (for tests and reports). */
  get fetchCount(): number {
    return this.fetches;
  }

  get(): Promise<string> {
    this.current ??= this.fetchOnce();
    return this.current;
  }

  /**
   * Replaces `staleToken`. Callers that saw the same stale token share one fetch; a caller whose
   * stale token was already replaced simply gets the newer one.
   */
  async refresh(staleToken: string): Promise<string> {
    const current = this.current;
    if (current !== undefined) {
      const token = await current.catch(() => undefined);
      if (token !== undefined && token !== staleToken) return token;
      if (this.current !== current) return this.get();
    }
    this.current = this.fetchOnce();
    return this.current;
  }

  private fetchOnce(): Promise<string> {
    this.fetches++;
    const pending = this.fetchToken().then((grant) => grant.accessToken);
    // A failed fetch is not cached: the next caller tries again.
    pending.catch(() => {
      if (this.current === pending) this.current = undefined;
    });
    return pending;
  }
}

/**
 * One token source per (base URL, AK, SK) and HTTP agent in this process, shared by every provider
 * on that agent. Keyed by the agent too: a source must not outlive the agent it fetches through
 * (a library user's second run brings a new one).
 */
let sources = new WeakMap<Dispatcher, Map<string, AccessTokenSource>>();

export function tokenSourceFor(baseUrl: string, credentials: OAuthCredentials, dispatcher: Dispatcher): AccessTokenSource {
  const key = `${baseUrl}\u0000${credentials.ak}\u0000${credentials.sk}`;
  let byKey = sources.get(dispatcher);
  if (byKey === undefined) {
    byKey = new Map();
    sources.set(dispatcher, byKey);
  }
  let source = byKey.get(key);
  if (source === undefined) {
    source = new AccessTokenSource(() => fetchAccessToken(baseUrl, credentials, dispatcher));
    byKey.set(key, source);
  }
  return source;
}

/** Forgets cached tokens (tests, and long-lived library users switching credentials). */
export function clearTokenCache(): void {
  sources = new WeakMap();
}

export async function fetchAccessToken(baseUrl: string, credentials: OAuthCredentials, dispatcher: Dispatcher): Promise<TokenGrant> {
  const url = new URL('/oauth/2.0/token', baseUrl);
  url.searchParams.set('grant_type', 'client_credentials');
  url.searchParams.set('client_id', credentials.ak);
  url.searchParams.set('client_secret', credentials.sk);
  let status: number;
  let text: string;
  try {
    const response = await request(url, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json' } });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    // undici's messages carry no URL, but say nothing of the request beyond the host to be sure.
    const reason = error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
    throw new UserError('auth', `could not reach the Qianfan token endpoint at ${url.host}: ${reason}`);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UserError('auth', `the Qianfan token endpoint at ${url.host} answered HTTP ${status} with a body that is not JSON`);
  }
  if (typeof body.access_token === 'string' && body.access_token.length > 0) {
    const grant: TokenGrant = { accessToken: body.access_token };
    if (typeof body.expires_in === 'number') grant.expiresIn = body.expires_in;
    return grant;
  }
  const error = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
  const description = typeof body.error_description === 'string' ? ` (${body.error_description})` : '';
  throw new UserError('auth', `Qianfan OAuth token request for API key ${maskKey(credentials.ak)} failed: ${error}${description}; check QIANFAN_AK and QIANFAN_SK`);
}

/** Shows enough of a key to tell two apart, never enough to use it. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '***';
  return `${key.slice(0, 4)}…${key.slice(-2)}`;
}
