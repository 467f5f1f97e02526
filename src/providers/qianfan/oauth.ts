/**
 * OAuth access tokens for v1 (qianfan-api.md 1A). One fetch serves every concurrent request
 * (single flight); a refresh after error 110/111 is single-flight too, so a hundred requests that
 * all saw an expired token cause one token request, not a hundred. The secret key only ever
 * travels in the token request's query string; no message built here contains it.
 *
 * The fetch is bounded like any request (connect, first-byte and total timeouts, a byte cap on the
 * body) and stops when the run's signal fires: a token endpoint that trickles or never ends must
 * not hold the run. The token is registered as a secret the moment it is parsed.
 */
import type { Dispatcher } from 'undici';
import { UserError } from '../../errors.js';
import { cutRedacted, registerSecret } from '../../util/redact.js';
import { safeDelayMs } from '../../util/safe-delay.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readTextCapped, ResponseTooLargeError } from '../body-limit.js';

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

/** Limits of one token fetch; a run passes its own --connect-timeout, --first-byte-timeout, --total-timeout. */
export interface TokenFetchOptions {
  timeouts?: Partial<TokenFetchTimeouts>;
  /** Cap on the token answer's body (--max-response-bytes); DEFAULT_MAX_RESPONSE_BYTES by default. */
  maxBytes?: number;
  /** Stops the fetch (Ctrl-C); the fetch then fails with a UserError of kind `aborted`. */
  signal?: AbortSignal;
}

export interface TokenFetchTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From the request being written to the answer's headers. */
  firstByteMs: number;
  /** The whole fetch, body included. */
  totalMs: number;
}

/** For library callers that give none: a token answer is small and quick, or something is wrong. */
export const DEFAULT_TOKEN_FETCH_TIMEOUTS: TokenFetchTimeouts = { connectMs: 10_000, firstByteMs: 30_000, totalMs: 60_000 };

/**
 * A failed token fetch. `code` names the reason in requests.csv: the OAuth `error` the server
 * gave (e.g. `invalid_client`), or `auth_token_timeout`, `auth_token_too_large`, `auth_token_failed`.
 */
export class TokenFetchError extends UserError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super('auth', message);
  }
}

/**
 * One token source per (base URL, AK, SK) and HTTP agent in this process, shared by every provider
 * on that agent. Keyed by the agent too: a source must not outlive the agent it fetches through
 * (a library user's second run brings a new one). The first caller's fetch options serve the source.
 */
let sources = new WeakMap<Dispatcher, Map<string, AccessTokenSource>>();

export function tokenSourceFor(
  baseUrl: string,
  credentials: OAuthCredentials,
  dispatcher: Dispatcher,
  fetchOptions: TokenFetchOptions = {},
): AccessTokenSource {
  const key = `${baseUrl}\u0000${credentials.ak}\u0000${credentials.sk}`;
  let byKey = sources.get(dispatcher);
  if (byKey === undefined) {
    byKey = new Map();
    sources.set(dispatcher, byKey);
  }
  let source = byKey.get(key);
  if (source === undefined) {
    source = new AccessTokenSource(() => fetchAccessToken(baseUrl, credentials, dispatcher, fetchOptions));
    byKey.set(key, source);
  }
  return source;
}

/** Forgets cached tokens (tests, and long-lived library users switching credentials). */
export function clearTokenCache(): void {
  sources = new WeakMap();
}

/** undici's own timeout errors, by the phase they bound. */
const UNDICI_TIMEOUTS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'first byte',
  UND_ERR_BODY_TIMEOUT: 'idle gap in the body',
};

/** An OAuth `error` fit to be an error code (a short identifier); anything else is not used as one. */
const OAUTH_ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export async function fetchAccessToken(
  baseUrl: string,
  credentials: OAuthCredentials,
  dispatcher: Dispatcher,
  options: TokenFetchOptions = {},
): Promise<TokenGrant> {
  // A library caller may come here without credentials.ts: the keys must be redacted all the same.
  registerSecret(credentials.ak);
  registerSecret(credentials.sk);
  const timeouts: TokenFetchTimeouts = { ...DEFAULT_TOKEN_FETCH_TIMEOUTS, ...options.timeouts };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const url = new URL('/oauth/2.0/token', baseUrl);
  url.searchParams.set('grant_type', 'client_credentials');
  url.searchParams.set('client_id', credentials.ak);
  url.searchParams.set('client_secret', credentials.sk);
  const where = `the Qianfan token endpoint at ${url.host}`;
  const stopped = (): boolean => options.signal?.aborted === true;
  if (stopped()) throw stoppedError(where);

  // Our own timers bound the connect + first byte and the whole fetch, whatever the dispatcher's
  // settings; undici's headersTimeout is set too, for its precise first-byte phase.
  const controller = new AbortController();
  let timedOut: string | undefined;
  const expire = (phase: string, ms: number) => (): void => {
    timedOut ??= `timeout (${phase}): no complete token answer within ${ms} ms`;
    controller.abort(new Error(timedOut));
  };
  const headersMs = timeouts.connectMs + timeouts.firstByteMs;
  const headersTimer = setTimeout(expire('connect + first byte', headersMs), safeDelayMs(headersMs));
  const totalTimer = setTimeout(expire('total', timeouts.totalMs), safeDelayMs(timeouts.totalMs));
  const onStop = (): void => controller.abort(new Error('stopped'));
  options.signal?.addEventListener('abort', onStop, { once: true });
  let status: number;
  let text: string;
  try {
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: controller.signal,
      headersTimeout: safeDelayMs(timeouts.firstByteMs),
    });
    clearTimeout(headersTimer);
    status = response.statusCode;
    text = await readTextCapped(response.body, maxBytes);
  } catch (error) {
    if (stopped() && timedOut === undefined) throw stoppedError(where);
    if (timedOut !== undefined) throw new TokenFetchError('auth_token_timeout', `could not fetch an access token from ${where}: ${timedOut}`);
    if (error instanceof ResponseTooLargeError) {
      throw new TokenFetchError(
        'auth_token_too_large',
        `could not fetch an access token from ${where}: the answer exceeded ${maxBytes} bytes (--max-response-bytes)`,
      );
    }
    const code = error instanceof Error ? (error as { code?: string }).code : undefined;
    if (code !== undefined && code in UNDICI_TIMEOUTS) {
      const limit = code === 'UND_ERR_HEADERS_TIMEOUT' ? ` over ${timeouts.firstByteMs} ms` : '';
      throw new TokenFetchError('auth_token_timeout', `could not fetch an access token from ${where}: timeout (${UNDICI_TIMEOUTS[code] as string})${limit}`);
    }
    // undici's messages carry no URL, but say nothing of the request beyond the host to be sure.
    const reason = code ?? (error instanceof Error ? error.message : String(error));
    throw new TokenFetchError('auth_token_failed', `could not reach ${where}: ${flat(reason, 120)}`);
  } finally {
    clearTimeout(headersTimer);
    clearTimeout(totalTimer);
    options.signal?.removeEventListener('abort', onStop);
  }
  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    throw new TokenFetchError('auth_token_failed', `${where} answered HTTP ${status} with a body that is not a JSON object: ${flat(text, 120) || '(empty)'}`);
  }
  if (typeof body.access_token === 'string' && body.access_token.length > 0) {
    // Before anything else can quote it (an echoing server, an error message).
    registerSecret(body.access_token);
    const grant: TokenGrant = { accessToken: body.access_token };
    if (typeof body.expires_in === 'number') grant.expiresIn = body.expires_in;
    return grant;
  }
  const oauthError = typeof body.error === 'string' ? body.error : undefined;
  const error = oauthError !== undefined ? flat(oauthError, 80) : `HTTP ${status}`;
  const description = typeof body.error_description === 'string' ? ` (${flat(body.error_description, 200)})` : '';
  const code = oauthError !== undefined && OAUTH_ERROR_CODE.test(oauthError) ? oauthError : 'auth_token_failed';
  throw new TokenFetchError(
    code,
    `Qianfan OAuth token request for API key ${maskKey(credentials.ak)} failed: ${error}${description}; check QIANFAN_AK and QIANFAN_SK`,
  );
}

function stoppedError(where: string): UserError {
  return new UserError('aborted', `stopped while fetching an access token from ${where}`);
}

/** Server text for a one-line message: whitespace flattened, redacted, then cut. */
function flat(text: string, maxChars: number): string {
  return cutRedacted(text.replace(/\s+/g, ' ').trim(), maxChars);
}

/** Shows enough of a key to tell two apart, never enough to use it. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '***';
  return `${key.slice(0, 4)}…${key.slice(-2)}`;
}
