/**
 * POST /oauth/2.0/token: an access token for the right API key pair. The credentials
 * (`grant_type`, `client_id`, `client_secret`) may travel in the query string (the platform's curl
 * sample), a form body (its Python sample posts `data=params`) or a JSON body (qianfan-api.md §9);
 * a field in the query string wins over the body's. The body is read with a cap and a deadline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './answer.js';
import type { TokenStore } from './auth.js';
import { readBoundedBody, type BodyLimits } from './bounded-body.js';
import type { SimContext } from './context.js';
import { OAUTH_ERRORS, V1_JSON_HEADERS } from './responses.js';

export const OAUTH_TOKEN_PATH = '/oauth/2.0/token';

/** Three short fields fit many times over; a client slower than this is not sending credentials. */
export const OAUTH_BODY_LIMITS: BodyLimits = { maxBytes: 64 * 1024, timeoutMs: 10_000 };

const FIELDS = ['grant_type', 'client_id', 'client_secret'] as const;
type Credentials = Partial<Record<(typeof FIELDS)[number], string>>;

export async function serveOAuthToken(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  ctx.stats.tokenRequests++;
  const read = await readBoundedBody(req, OAUTH_BODY_LIMITS);
  if (read.kind === 'aborted' || res.destroyed) return;
  const closing = { ...V1_JSON_HEADERS, Connection: 'close' };
  if (read.kind === 'tooLarge') return sendJson(res, OAUTH_ERRORS.bodyTooLarge, closing, 413);
  if (read.kind === 'timeout') return sendJson(res, OAUTH_ERRORS.bodyTimeout, closing, 408);
  const answer = answerTokenRequest(ctx.auth.tokens, { ...bodyCredentials(read.text, req.headers['content-type']), ...queryCredentials(url) });
  sendJson(res, answer.body, V1_JSON_HEADERS, answer.status);
}

export type OAuthAnswer = { status: number; body: Record<string, unknown> };

export function answerTokenRequest(store: TokenStore, credentials: Credentials): OAuthAnswer {
  if (credentials.grant_type !== 'client_credentials') return { status: 401, body: { ...OAUTH_ERRORS.badGrant } };
  if (credentials.client_id !== store.credentials.ak) return { status: 401, body: { ...OAUTH_ERRORS.unknownClient } };
  if (credentials.client_secret !== store.credentials.sk) return { status: 401, body: { ...OAUTH_ERRORS.badSecret } };
  return { status: 200, body: store.issue() };
}

function queryCredentials(url: URL): Credentials {
  const found: Credentials = {};
  for (const field of FIELDS) {
    const value = url.searchParams.get(field);
    if (value !== null) found[field] = value;
  }
  return found;
}

/**
 * The body's fields: JSON when the content type says so, a form otherwise (requests' `data=`
 * sends one; a client that omits the content type most likely did too). Anything unreadable is
 * no credentials at all, so the answer is the one a missing field gets.
 */
function bodyCredentials(text: string, contentType: string | undefined): Credentials {
  if (text.trim() === '') return {};
  const found: Credentials = {};
  if (/\bjson\b/i.test(contentType ?? '') || (contentType === undefined && text.trimStart().startsWith('{'))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {};
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    for (const field of FIELDS) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string') found[field] = value;
    }
    return found;
  }
  const form = new URLSearchParams(text);
  for (const field of FIELDS) {
    const value = form.get(field);
    if (value !== null) found[field] = value;
  }
  return found;
}
