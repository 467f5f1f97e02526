/**
 * The client's bce-auth-v1 signer for the per-request hot path. The rules themselves (canonical
 * request, signing key, Authorization layout) are the platform's, in qianfan/spec/bce-auth-v1.ts;
 * this adds only a per-second cache of the timestamp and signing key.
 */
import {
  authStringPrefix,
  bceTimestamp,
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  checkSigningInputs,
  DEFAULT_HEADERS_TO_SIGN,
  signCanonicalRequest,
  signingKey,
  type HeaderInput,
  type QueryInput,
  type SignedRequest,
} from '../../qianfan/spec/bce-auth-v1.js';

export interface BceSignerOptions {
  accessKey: string;
  secretKey: string;
  expirationSeconds: number;
  headersToSign?: readonly string[];
}

/**
 * A signer for one key pair, for the per-request hot path: the timestamp text and the signing key
 * change only with the wall-clock second, so both are computed once per second; a request then
 * costs the canonical strings and one HMAC.
 */
export class BceSigner {
  readonly accessKey: string;
  readonly expirationSeconds: number;
  private readonly secretKey: string;
  private readonly headersToSign: readonly string[];
  private cachedSecond = Number.NaN;
  private cachedTimestamp = '';
  private cachedPrefix = '';
  private cachedKey = '';

  constructor(options: BceSignerOptions) {
    checkSigningInputs(options.accessKey, options.expirationSeconds);
    this.accessKey = options.accessKey;
    this.secretKey = options.secretKey;
    this.expirationSeconds = options.expirationSeconds;
    this.headersToSign = options.headersToSign ?? DEFAULT_HEADERS_TO_SIGN;
  }

  /** The `YYYY-MM-DDTHH:MM:SSZ` text for the second `epochMs` falls in (also the x-bce-date value). */
  timestamp(epochMs: number): string {
    this.refresh(epochMs);
    return this.cachedTimestamp;
  }

  /** Signs with canonical URI and query already computed (callers cache them per URL). */
  signCanonical(method: string, uri: string, query: string, headers: HeaderInput, epochMs: number): SignedRequest {
    this.refresh(epochMs);
    return signCanonicalRequest(this.cachedPrefix, this.cachedTimestamp, this.cachedKey, method, uri, query, canonicalHeaders(headers, this.headersToSign));
  }

  sign(request: { method: string; path: string; query?: QueryInput; headers: HeaderInput }, epochMs: number): SignedRequest {
    return this.signCanonical(request.method, canonicalUri(request.path), canonicalQueryString(request.query), request.headers, epochMs);
  }

  private refresh(epochMs: number): void {
    const second = Math.floor(epochMs / 1000);
    if (second === this.cachedSecond) return;
    this.cachedTimestamp = bceTimestamp(second * 1000);
    this.cachedPrefix = authStringPrefix(this.accessKey, this.cachedTimestamp, this.expirationSeconds);
    this.cachedKey = signingKey(this.secretKey, this.cachedPrefix);
    this.cachedSecond = second;
  }
}
