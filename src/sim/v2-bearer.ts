/**
 * v2 Bearer auth on the simulator: `GET /v1/BCE-BEARER/token?expireInSeconds=N` mints an IAM bearer
 * token for a request signed with bce-auth-v1 by the simulator's IAM key pair (the same check as
 * signed v1 calls, signature.ts), and `v2BearerOk` is the gate of the v2 endpoints, which accept
 * the configured key and every minted token until its expireTime (qianfan-api.md 1B, 1C).
 *
 * IAM refusals are gateway errors: the BCE common body `{code, message, requestId}` with its HTTP
 * status and the `X-Bce-Error-Code` / `X-Bce-Error-Message` headers (1B).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './answer.js';
import type { SimContext } from './context.js';
import { readBody } from './exchange.js';
import { isBceAuthorization, verifyBceAuthorization } from './signature.js';

export const IAM_BEARER_TOKEN_PATH = '/v1/BCE-BEARER/token';

/** Lifetime when the request names none; the reference lists only the clients' choices (3600 to 100000 s). */
export const DEFAULT_BEARER_EXPIRE_SECONDS = 86_400;

/** `Authorization: Bearer <token>` with a token the simulator accepts. */
export function v2BearerOk(ctx: SimContext, req: IncomingMessage): boolean {
  const value = req.headers.authorization;
  if (typeof value !== 'string') return false;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1] !== undefined && ctx.bearers.accepts(match[1]);
}

interface IamRefusal {
  status: number;
  code: string;
  message: string;
}

const REFUSALS = {
  methodNotAllowed: { status: 405, code: 'MethodNotAllowed', message: 'The specified method is not allowed against this resource.' },
  unsigned: { status: 403, code: 'AccessDenied', message: 'Access denied: the request is not signed with bce-auth-v1.' },
  malformed: { status: 400, code: 'InvalidHTTPAuthHeader', message: 'The Authorization header you provided is invalid.' },
  unknownKey: { status: 403, code: 'InvalidAccessKeyId', message: 'The Access Key ID you provided does not exist in our records.' },
  expired: { status: 400, code: 'RequestExpired', message: 'Request has expired.' },
  mismatch: { status: 403, code: 'SignatureDoesNotMatch', message: 'Fail to authn user: Signature does not match' },
  badExpiry: { status: 400, code: 'InvalidParameter', message: 'expireInSeconds must be a positive integer' },
} as const satisfies Record<string, IamRefusal>;

/** The refusal for a verifier reason (signature.ts). */
function refusalFor(reason: string): IamRefusal {
  if (reason === 'unknown access key') return REFUSALS.unknownKey;
  if (reason === 'signature expired' || reason === 'timestamp in the future') return REFUSALS.expired;
  if (reason === 'signature does not match') return REFUSALS.mismatch;
  return REFUSALS.malformed;
}

/** `expireInSeconds` from the query: absent -> the default, else a positive integer of at most 9 digits. */
function expireSecondsOf(url: URL): number | undefined {
  const raw = url.searchParams.get('expireInSeconds');
  if (raw === null) return DEFAULT_BEARER_EXPIRE_SECONDS;
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
}

export async function serveIamBearerToken(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const raw = await readBody(req);
  if (raw === undefined || res.destroyed) return;
  const refuse = (refusal: IamRefusal): void => {
    const headers = { 'X-Bce-Error-Code': refusal.code, 'X-Bce-Error-Message': refusal.message };
    sendJson(res, { code: refusal.code, message: refusal.message, requestId: ctx.bearers.requestId() }, headers, refusal.status);
  };
  if (req.method !== 'GET') return refuse(REFUSALS.methodNotAllowed);
  const authorization = req.headers.authorization;
  if (!isBceAuthorization(authorization) || ctx.auth.iam === undefined) return refuse(REFUSALS.unsigned);
  const request = { method: req.method, path: url.pathname, query: url.searchParams, headers: req.headers };
  const verdict = verifyBceAuthorization(authorization, request, ctx.auth.iam);
  if (!verdict.ok) return refuse(refusalFor(verdict.reason));
  const expireInSeconds = expireSecondsOf(url);
  if (expireInSeconds === undefined) return refuse(REFUSALS.badExpiry);
  sendJson(res, ctx.bearers.mint(expireInSeconds));
}
