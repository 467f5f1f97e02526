/**
 * Verifies a `bce-auth-v1` Authorization header the way the real gateway must (qianfan-api.md 1B):
 * the signed-header list is read from the header itself (the Python SDK does not sort it), the
 * canonical request is rebuilt from the request as received, and the signature is compared in
 * constant time. The canonicalisation is the platform's rules in qianfan/spec/bce-auth-v1.ts, the
 * same the client signs with, which the official test vectors pin down.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  authStringPrefix,
  BCE_AUTH_VERSION,
  canonicalHeadersFor,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  hmacHex,
  signingKey,
  type HeaderInput,
  type QueryInput,
} from '../qianfan/spec/bce-auth-v1.js';

export interface IamCredentials {
  accessKey: string;
  secretKey: string;
}

export interface ParsedBceAuthorization {
  accessKey: string;
  timestamp: string;
  /** Epoch milliseconds of `timestamp`. */
  timestampMs: number;
  expirationSeconds: number;
  /** Lowercase, in the order the header lists them. */
  signedHeaders: string[];
  signature: string;
}

export interface ReceivedRequest {
  method: string;
  /** The path as received (percent-encoded); decoded here before canonicalisation, like the signer does. */
  path: string;
  query: QueryInput;
  /** Header names lowercase, as node:http delivers them. */
  headers: HeaderInput;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** A signature may be dated at most this far ahead of the verifier's clock (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

export function isBceAuthorization(value: string | undefined): value is string {
  return value !== undefined && value.startsWith(`${BCE_AUTH_VERSION}/`);
}

/** Parses `bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}`; undefined when malformed. */
export function parseBceAuthorization(value: string): ParsedBceAuthorization | undefined {
  const parts = value.trim().split('/');
  if (parts.length !== 6 || parts[0] !== BCE_AUTH_VERSION) return undefined;
  const [, accessKey = '', timestamp = '', expiration = '', headerList = '', signature = ''] = parts;
  if (accessKey.length === 0) return undefined;
  const match = TIMESTAMP.exec(timestamp);
  if (!match) return undefined;
  const timestampMs = Date.parse(timestamp);
  // Date.parse accepts 2024-02-30; a round trip does not.
  if (!Number.isFinite(timestampMs) || new Date(timestampMs).toISOString() !== timestamp.replace('Z', '.000Z')) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(expiration)) return undefined;
  const signedHeaders = headerList === '' ? [] : headerList.split(';').map((name) => name.trim().toLowerCase());
  if (signedHeaders.some((name) => !HEADER_NAME.test(name))) return undefined;
  if (!SIGNATURE.test(signature)) return undefined;
  return { accessKey, timestamp, timestampMs, expirationSeconds: Number(expiration), signedHeaders, signature };
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The signature a holder of `secretKey` would have computed for `request` under `auth`'s parameters. */
export function expectedSignature(request: ReceivedRequest, auth: ParsedBceAuthorization, secretKey: string): string {
  const key = signingKey(secretKey, authStringPrefix(auth.accessKey, auth.timestamp, auth.expirationSeconds));
  const canonical = canonicalRequest(
    request.method,
    canonicalUri(decodedPath(request.path)),
    canonicalQueryString(request.query),
    canonicalHeadersFor(request.headers, auth.signedHeaders).canonical,
  );
  return hmacHex(key, canonical);
}

/**
 * Checks an Authorization value against the request it came with: the access key, the validity
 * window (`timestamp` to `timestamp + expiration`, and not more than MAX_FUTURE_SKEW_MS ahead of
 * `nowMs`), then the signature.
 */
export function verifyBceAuthorization(authorization: string, request: ReceivedRequest, credentials: IamCredentials, nowMs: number = Date.now()): VerifyResult {
  const auth = parseBceAuthorization(authorization);
  if (auth === undefined) return { ok: false, reason: 'malformed Authorization header' };
  if (auth.accessKey !== credentials.accessKey) return { ok: false, reason: 'unknown access key' };
  if (auth.timestampMs - nowMs > MAX_FUTURE_SKEW_MS) return { ok: false, reason: 'timestamp in the future' };
  if (nowMs - auth.timestampMs > auth.expirationSeconds * 1000) return { ok: false, reason: 'signature expired' };
  const expected = Buffer.from(expectedSignature(request, auth, credentials.secretKey), 'utf8');
  const given = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
