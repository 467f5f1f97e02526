/**
 * What every JSON endpoint but chat (embeddings, reranker, text-to-image) does around its own
 * checks: read the body, authenticate, parse one JSON object, refuse in the protocol's shape with
 * the quota's headers, admit the request against its quota, and send the answer after its latency,
 * counting the tokens it used. v1 refuses with HTTP 200 bodies and answers with the v1 JSON
 * content type; v2 refuses with the v2 table's statuses and needs a Bearer key.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import { sendJson } from './answer.js';
import { authenticate } from './auth.js';
import type { SimContext } from './context.js';
import { Exchange } from './exchange.js';
import type { EndpointQuota } from './quota.js';
import { v1Error, V1_JSON_HEADERS, type V1Error } from './responses.js';
import { v2BearerOk } from './v2-bearer.js';
import { retryAfterSeconds, type V2EndpointQuota } from './v2-quota.js';
import { V2_ERRORS, type V2Error } from './v2-responses.js';

/** The body as a JSON object, or undefined when it is not valid JSON or not an object. */
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface JsonRequest<Quota, Error> {
  exchange: Exchange;
  body: Record<string, unknown>;
  quota: Quota;
  fail: (error: Error, extraHeaders?: Record<string, string>) => void;
}

export type V1JsonRequest = JsonRequest<EndpointQuota, V1Error>;

/** An authenticated v1 request with a JSON object body, or undefined once it has been refused (or the client left). */
export async function openV1JsonRequest(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  quotaKey: string,
  arrival: number,
): Promise<V1JsonRequest | undefined> {
  const exchange = new Exchange(ctx, req, res, arrival, 'embeddings');
  const quota = ctx.quotas.for(quotaKey);
  const fail = (error: V1Error): void => exchange.refuseV1(error, quota.headers(now()));
  const raw = await exchange.body();
  if (raw === undefined) return undefined;
  const auth = authenticate(req, url, ctx.auth);
  if (!auth.ok) return void fail(auth.error);
  const body = parseJsonObject(raw);
  if (!body) return void fail(v1Error(336002, 'Invalid JSON'));
  return { exchange, body, quota, fail };
}

export interface V2JsonRequest extends JsonRequest<V2EndpointQuota, V2Error> {
  /** The `model` field as sent (answers echo it), and trimmed. */
  modelField: unknown;
  model: string;
}

/**
 * An authorised v2 POST with a JSON object body naming a model, or undefined once refused. Its
 * quota is `${route}/${model}` (lowercased), known as soon as the body names a model, so even a
 * refusal for the key carries that model's headers.
 */
export async function openV2JsonRequest(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  arrival: number,
): Promise<V2JsonRequest | undefined> {
  const exchange = new Exchange(ctx, req, res, arrival, 'embeddings');
  let quota: V2EndpointQuota | undefined;
  const fail = (error: V2Error, extraHeaders: Record<string, string> = {}): void =>
    exchange.refuseV2(error, { ...(quota?.headers(now()) ?? {}), ...extraHeaders });
  const raw = await exchange.body();
  if (raw === undefined) return undefined;
  if (req.method !== 'POST') return void fail(V2_ERRORS.methodNotAllowed());
  const body = parseJsonObject(raw);
  const modelField = body?.model;
  const model = typeof modelField === 'string' ? modelField.trim() : '';
  if (model !== '') quota = ctx.v2Quotas.for(`${route}/${model.toLowerCase()}`);
  if (!v2BearerOk(ctx, req)) return void fail(V2_ERRORS.badToken());
  if (!body) return void fail(V2_ERRORS.malformedJson());
  if (model === '' || quota === undefined) return void fail(V2_ERRORS.modelEmpty());
  return { exchange, body, quota, fail, modelField, model };
}

/** Takes `promptTokens` from the request's quota; false (the request refused as over quota) when it has not enough. */
export function admitV1(request: V1JsonRequest, promptTokens: number): boolean {
  const admission = request.quota.admit(promptTokens, now());
  if (!admission.ok) request.fail(v1Error(admission.limit === 'rpm' ? 336501 : 336502));
  return admission.ok;
}

export function admitV2(request: V2JsonRequest, promptTokens: number): boolean {
  const admission = request.quota.admit(promptTokens, now());
  if (!admission.ok) {
    const error = admission.limit === 'rpm' ? V2_ERRORS.rpm() : V2_ERRORS.tpm();
    request.fail(error, { 'Retry-After': String(retryAfterSeconds(admission.retryAfterMs)) });
  }
  return admission.ok;
}

/**
 * Sends `answer()` `delayMs` after arrival (unless the client has gone), with the quota's headers
 * as of then, and adds `countedTokens` to the simulator's embedding-token count once it is out.
 */
function sendLater(request: V1JsonRequest | V2JsonRequest, delayMs: number, countedTokens: number, answer: () => object, extra: Record<string, string>): void {
  const { exchange, quota } = request;
  exchange.answerLater(delayMs, () => {
    sendJson(exchange.res, answer(), { ...quota.headers(now()), ...extra });
    exchange.ctx.stats.embeddingTokens += countedTokens;
  });
}

/** A v1 answer, with the v1 JSON content type. */
export function answerV1Later(request: V1JsonRequest, delayMs: number, countedTokens: number, answer: () => object): void {
  sendLater(request, delayMs, countedTokens, answer, V1_JSON_HEADERS);
}

export function answerV2Later(request: V2JsonRequest, delayMs: number, countedTokens: number, answer: () => object): void {
  sendLater(request, delayMs, countedTokens, answer, {});
}
