/**
 * How a v1 request carries its credentials (qianfan-api.md 1A/1B), in one place for every v1 client
 * (chat, completions, embeddings, tokenizer):
 *
 * - `oauth`: an access token fetched from AK/SK (single flight, see oauth.ts) in `?access_token=`;
 * - `access-token`: a token the user already has, same place;
 * - `iam`: no token at all; each request is signed with `bce-auth-v1` in the Authorization header
 *   (signed headers `content-type;host;x-bce-date`, valid IAM_SIGN_EXPIRATION_SECONDS, a fresh
 *   timestamp per request).
 */
import type { Dispatcher } from 'undici';
import { UserError } from '../../errors.js';
import { classifyErrorCode, classifyHttpStatus } from './error-codes.js';
import { classifyErrorCode as classifyOpenAiErrorCode } from '../openai/errors.js';
import { tokenSourceFor, type AccessTokenSource, type OAuthCredentials, type TokenFetchOptions } from './oauth.js';
import { canonicalQueryString, canonicalUri } from '../../qianfan/spec/bce-auth-v1.js';
import { BceSigner } from './signing.js';

export type QianfanAuth =
  /** `tokenFetch`: the token fetch's timeouts, byte cap and stop signal (a run sets them from its own). */
  | { kind: 'oauth'; credentials: OAuthCredentials; tokenFetch?: TokenFetchOptions }
  | { kind: 'access-token'; accessToken: string }
  | { kind: 'iam'; accessKey: string; secretKey: string };

/** Validity of each signature; the JS SDK's and erniebot's choice. */
export const IAM_SIGN_EXPIRATION_SECONDS = 1800;
/** What the client signs (x-bce-* headers are always signed too). */
export const IAM_HEADERS_TO_SIGN: readonly string[] = ['host', 'content-type', 'x-bce-date'];

export interface AuthorizedRequest {
  /** The URL to send to (with `access_token` for the token schemes). */
  url: string;
  /** The caller's headers plus the credential headers (`host`, `x-bce-date`, `authorization` for IAM). */
  headers: Record<string, string>;
  /** The access token used, if any: hand it to `AccessTokenSource.refresh` after a 110/111. */
  accessToken?: string;
}

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/** The token source an auth scheme needs (shared per base URL and key), or undefined when it needs none. */
export function v1TokenSource(auth: QianfanAuth, origin: string, dispatcher: Dispatcher): AccessTokenSource | undefined {
  return auth.kind === 'oauth' ? tokenSourceFor(origin, auth.credentials, dispatcher, auth.tokenFetch) : undefined;
}

/**
 * Adds the credentials to one v1 request. `tokens` is `v1TokenSource(auth, …)` (required for
 * `oauth`, ignored otherwise). `headers` are the ones the request will be sent with (default
 * `content-type: application/json`); with IAM they are signed as given, so send exactly the
 * returned set.
 */
export async function authorizeV1(
  auth: QianfanAuth,
  tokens: AccessTokenSource | undefined,
  method: string,
  url: string,
  headers: Readonly<Record<string, string>> = JSON_HEADERS,
): Promise<AuthorizedRequest> {
  switch (auth.kind) {
    case 'iam':
      return signV1(auth, method, url, headers);
    case 'access-token':
      return withToken(url, headers, auth.accessToken);
    case 'oauth': {
      if (tokens === undefined) throw new TypeError('authorizeV1: OAuth credentials need a token source (v1TokenSource)');
      return withToken(url, headers, await tokens.get());
    }
  }
}

function withToken(url: string, headers: Readonly<Record<string, string>>, token: string): AuthorizedRequest {
  const separator = url.includes('?') ? '&' : '?';
  return { url: `${url}${separator}access_token=${encodeURIComponent(token)}`, headers: { ...headers }, accessToken: token };
}

/** One signer per credentials object: its per-second signing-key cache lives as long as the auth does. */
const signers = new WeakMap<object, { accessKey: string; secretKey: string; signer: BceSigner }>();

function signerFor(auth: Extract<QianfanAuth, { kind: 'iam' }>): BceSigner {
  const cached = signers.get(auth);
  if (cached !== undefined && cached.accessKey === auth.accessKey && cached.secretKey === auth.secretKey) return cached.signer;
  const signer = new BceSigner({
    accessKey: auth.accessKey,
    secretKey: auth.secretKey,
    expirationSeconds: IAM_SIGN_EXPIRATION_SECONDS,
    headersToSign: IAM_HEADERS_TO_SIGN,
  });
  signers.set(auth, { accessKey: auth.accessKey, secretKey: auth.secretKey, signer });
  return signer;
}

interface ParsedTarget {
  host: string;
  uri: string;
  query: string;
}

/** A client sends to a handful of URLs (one per endpoint), so their canonical parts are kept. */
const targets = new Map<string, ParsedTarget>();
const MAX_CACHED_TARGETS = 1024;

function targetOf(url: string): ParsedTarget {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    let path = parsed.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // Not valid percent-encoding: sign the path as it stands (the verifier does the same).
    }
    target = { host: parsed.host, uri: canonicalUri(path), query: canonicalQueryString(parsed.searchParams) };
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** Set by the signer; a caller's own copies (any case) would be sent twice. */
const CREDENTIAL_HEADERS = new Set(['host', 'x-bce-date', 'authorization']);

function signV1(auth: Extract<QianfanAuth, { kind: 'iam' }>, method: string, url: string, headers: Readonly<Record<string, string>>): AuthorizedRequest {
  const signer = signerFor(auth);
  const target = targetOf(url);
  const epochMs = Date.now();
  const signed: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) signed[name] = headers[name] as string;
  }
  signed.host = target.host;
  signed['x-bce-date'] = signer.timestamp(epochMs);
  const { authorization } = signer.signCanonical(method, target.uri, target.query, signed, epochMs);
  signed.authorization = authorization;
  return { url, headers: signed };
}

/** What AuthFailureTally needs of a finished request (a RequestRecord fits). */
export interface AnsweredRequestLike {
  outcome: string;
  errorCode?: string;
  errorMsg?: string;
  httpStatus?: number;
}

/** Whether a finished request was refused for its credentials (the error class `auth`). */
export function isAuthRefusal(record: AnsweredRequestLike): boolean {
  if (record.outcome === 'ok' || record.errorCode === undefined) return false;
  const status = record.httpStatus;
  // OpenAI-compatible codes are strings (`invalid_api_key`, `invalid_iam_token`): their own table says.
  if (!/^\d+$/.test(record.errorCode))
    return (status === undefined || (status !== 429 && status < 500)) && classifyOpenAiErrorCode(record.errorCode, undefined) === 'auth';
  const code = Number(record.errorCode);
  // The provider lets a 429/5xx status outrank the body's code; so does this.
  if (status !== undefined && (status === 429 || status >= 500)) return false;
  if (classifyErrorCode(code) === 'auth') return true;
  // A gateway refusal without a v1 body is recorded with the HTTP status as its code.
  return status !== undefined && code === status && classifyHttpStatus(status) === 'auth';
}

/**
 * Counts the requests the server answered and those it refused for their credentials. IAM signing
 * has no preflight (nothing is fetched before the first request), so a wrong key pair shows only
 * as every request failing with 14; the run then ends as an authentication failure.
 */
export class AuthFailureTally {
  private answered = 0;
  private refused = 0;
  private readonly codes = new Map<string, { count: number; message: string }>();

  record(record: AnsweredRequestLike): void {
    if (record.outcome !== 'ok' && record.httpStatus === undefined) return; // never answered (network, cancelled)
    this.answered++;
    if (!isAuthRefusal(record)) return;
    this.refused++;
    const code = record.errorCode as string;
    const entry = this.codes.get(code);
    if (entry !== undefined) entry.count++;
    else this.codes.set(code, { count: 1, message: record.errorMsg ?? '' });
  }

  /** The error to end the run with when every answered request was refused; `hint` says what to check. */
  failure(hint: string): UserError | undefined {
    if (this.answered === 0 || this.refused !== this.answered) return undefined;
    const codes = [...this.codes.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 3)
      .map(([code, { message }]) => `error_code ${code}${message ? ` "${message}"` : ''}`)
      .join(', ');
    const all = this.answered === 1 ? 'the only request the server answered was' : `all ${this.answered} requests the server answered were`;
    return new UserError('auth', `authentication failed: ${all} refused with ${codes}; ${hint}`);
  }
}
