/**
 * The BCE request signature `bce-auth-v1` (qianfan-api.md 1B): the platform's rules, shared by the
 * client's signer (providers/qianfan/signing.ts) and the simulator's verifier (sim/signature.ts),
 * pinned by the official test vectors (test/qianfan/spec/bce-auth-v1.test.ts):
 *
 *   authStringPrefix = bce-auth-v1/{ak}/{timestamp}/{expirationSeconds}
 *   signingKey       = hex(HMAC-SHA256(SK, authStringPrefix))   (the lowercase hex string is the next key)
 *   canonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders
 *   signature        = hex(HMAC-SHA256(signingKey, canonicalRequest))
 *   Authorization    = {authStringPrefix}/{signedHeaders joined by ;}/{signature}
 *
 * Pure functions only; caching for the hot path is the client's business.
 */
import { createHmac } from 'node:crypto';

export const BCE_AUTH_VERSION = 'bce-auth-v1';

/** Headers signed when the caller names none (the official SDKs' default). */
export const DEFAULT_HEADERS_TO_SIGN: readonly string[] = ['host', 'content-md5', 'content-length', 'content-type'];

export type QueryValue = string | number | boolean | null | undefined;
/** A query as a record, a URLSearchParams, or key/value pairs (repeated keys allowed). */
export type QueryInput = Readonly<Record<string, QueryValue>> | URLSearchParams | Iterable<readonly [string, QueryValue]>;
export type HeaderValue = string | number | readonly string[] | null | undefined;
export type HeaderInput = Readonly<Record<string, HeaderValue>>;

export interface SignRequestInput {
  method: string;
  /** The request path without the query, unencoded (it is URI-encoded here, `/` kept). */
  path: string;
  query?: QueryInput;
  headers: HeaderInput;
  accessKey: string;
  secretKey: string;
  timestamp: Date;
  expirationSeconds: number;
  /** Lowercase-insensitive names to sign besides every `x-bce-*` header; default DEFAULT_HEADERS_TO_SIGN. */
  headersToSign?: readonly string[];
}

export interface SignedRequest {
  /** The value of the Authorization header. */
  authorization: string;
  timestamp: string;
  authStringPrefix: string;
  signingKey: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  /** Lowercase names, sorted, as they appear in the Authorization value. */
  signedHeaders: string[];
  canonicalRequest: string;
  signature: string;
}

/** `YYYY-MM-DDTHH:MM:SSZ` in UTC, no milliseconds. */
export function bceTimestamp(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('bce-auth-v1: invalid timestamp');
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
/** Characters encodeURIComponent leaves alone but RFC 3986 does not. */
const SUB_DELIMS_KEPT = /[!'()*]/g;

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes of `text`: everything except `A-Z a-z 0-9 - _ . ~`
 * becomes `%XX` with uppercase hex.
 */
export function uriEncode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate: encode the bytes Node would send for it (U+FFFD).
    return encodeBytes(text);
  }
  return encoded.replace(SUB_DELIMS_KEPT, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeBytes(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** The canonical URI: the path URI-encoded with every `/` kept. */
export function canonicalUri(path: string): string {
  if (UNRESERVED.test(path.replaceAll('/', ''))) return path.startsWith('/') ? path : `/${path}`;
  const encoded = path.split('/').map(uriEncode).join('/');
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

function queryPairs(query: QueryInput): Iterable<readonly [string, QueryValue]> {
  if (query instanceof URLSearchParams) return query;
  if (Symbol.iterator in query) return query as Iterable<readonly [string, QueryValue]>;
  return Object.entries(query as Readonly<Record<string, QueryValue>>);
}

/**
 * Every parameter except `authorization` as `encode(key)=encode(value)` (a missing value is empty),
 * sorted as strings, joined with `&`.
 */
export function canonicalQueryString(query: QueryInput | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of queryPairs(query)) {
    if (key.toLowerCase() === 'authorization') continue;
    parts.push(`${uriEncode(key)}=${value === null || value === undefined ? '' : uriEncode(String(value))}`);
  }
  return parts.sort().join('&');
}

function headerText(value: HeaderValue): string {
  if (value === null || value === undefined) return '';
  return (typeof value === 'object' ? value.join(', ') : String(value)).trim();
}

export interface CanonicalHeaders {
  canonical: string;
  /** Lowercase names, sorted. */
  names: string[];
}

function collectHeaders(headers: HeaderInput, include: (lowerName: string) => boolean): CanonicalHeaders {
  const lines: string[] = [];
  const names: string[] = [];
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (!include(lower)) continue;
    const value = headerText(headers[name]);
    if (value === '') continue;
    lines.push(`${uriEncode(lower)}:${uriEncode(value)}`);
    names.push(lower);
  }
  return { canonical: lines.sort().join('\n'), names: names.sort() };
}

/**
 * The headers a signer signs: those named in `headersToSign` (default DEFAULT_HEADERS_TO_SIGN) and
 * every `x-bce-*` header; values trimmed, empty ones skipped; lines `encode(name):encode(value)`
 * sorted and joined with `\n`.
 */
export function canonicalHeaders(headers: HeaderInput, headersToSign: readonly string[] = DEFAULT_HEADERS_TO_SIGN): CanonicalHeaders {
  const wanted = new Set((headersToSign.length > 0 ? headersToSign : DEFAULT_HEADERS_TO_SIGN).map((name) => name.toLowerCase()));
  return collectHeaders(headers, (lower) => wanted.has(lower) || lower.startsWith('x-bce-'));
}

/**
 * The canonical headers a verifier rebuilds: exactly the names listed in the Authorization value
 * (in any order there), with the values as received.
 */
export function canonicalHeadersFor(headers: HeaderInput, signedHeaders: readonly string[]): CanonicalHeaders {
  const listed = new Set(signedHeaders.map((name) => name.toLowerCase()));
  return collectHeaders(headers, (lower) => listed.has(lower));
}

export function authStringPrefix(accessKey: string, timestamp: string, expirationSeconds: number): string {
  return `${BCE_AUTH_VERSION}/${accessKey}/${timestamp}/${expirationSeconds}`;
}

export function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** hex(HMAC-SHA256(SK, authStringPrefix)); its lowercase hex text is the key for the signature. */
export function signingKey(secretKey: string, prefix: string): string {
  return hmacHex(secretKey, prefix);
}

export function canonicalRequest(method: string, uri: string, query: string, headers: string): string {
  return `${method.toUpperCase()}\n${uri}\n${query}\n${headers}`;
}

export function authorizationValue(prefix: string, signedHeaders: readonly string[], signature: string): string {
  return `${prefix}/${signedHeaders.join(';')}/${signature}`;
}

/** Throws a RangeError for an access key or expiration no Authorization value can carry. */
export function checkSigningInputs(accessKey: string, expirationSeconds: number): void {
  if (accessKey.length === 0 || accessKey.includes('/')) throw new RangeError('bce-auth-v1: the access key must be non-empty and contain no "/"');
  if (!Number.isInteger(expirationSeconds) || expirationSeconds <= 0) throw new RangeError('bce-auth-v1: expirationSeconds must be a positive integer');
}

/** Signs one request from scratch and returns every intermediate value (tests, one-off callers). */
export function signRequest(input: SignRequestInput): SignedRequest {
  checkSigningInputs(input.accessKey, input.expirationSeconds);
  const timestamp = bceTimestamp(input.timestamp);
  const prefix = authStringPrefix(input.accessKey, timestamp, input.expirationSeconds);
  const key = signingKey(input.secretKey, prefix);
  return signCanonicalRequest(
    prefix,
    timestamp,
    key,
    input.method,
    canonicalUri(input.path),
    canonicalQueryString(input.query),
    canonicalHeaders(input.headers, input.headersToSign),
  );
}

/**
 * The signature and Authorization value of a request whose canonical parts are already computed,
 * under a prefix and signing key made for `timestamp` (a signer may cache those per second).
 */
export function signCanonicalRequest(
  prefix: string,
  timestamp: string,
  key: string,
  method: string,
  uri: string,
  query: string,
  headers: CanonicalHeaders,
): SignedRequest {
  const request = canonicalRequest(method, uri, query, headers.canonical);
  const signature = hmacHex(key, request);
  return {
    authorization: authorizationValue(prefix, headers.names, signature),
    timestamp,
    authStringPrefix: prefix,
    signingKey: key,
    canonicalUri: uri,
    canonicalQuery: query,
    canonicalHeaders: headers.canonical,
    signedHeaders: headers.names,
    canonicalRequest: request,
    signature,
  };
}
