/**
 * POST /v2/chat/completions: the v2 (OpenAI-compatible) chat API on the simulator's server. The
 * pipeline is the v1 one in the same order (auth -> validation -> directive -> quota -> fault ->
 * answer), drawing from the same per-request random stream in the same order, and the answer comes
 * from the same generator keyed by the same v1 endpoint and ChatInput, so a v2 request and its v1
 * twin get identical text, sentences, timing and usage; only the framing differs (v2-answer.ts).
 *
 * Differences from v1 a client sees: Bearer auth (401 invalid_iam_token), errors with real HTTP
 * statuses and `{"error":{code,message,type},"id"}` bodies, 429 + Retry-After when over quota, the
 * v2 split token rate-limit headers (v2-quota.ts), and quotas kept per v2 model, apart from v1's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import { deliverAnswer, sendJson } from './answer.js';
import type { Cancel } from './deadlines.js';
import { parseDirective, rollFault } from './faults.js';
import { composeAnswer } from './compose-answer.js';
import { responseId, unixSeconds, v1Error } from './responses.js';
import { lastUserContent } from './validation.js';
import { v2Framing, type V2AnswerPlan } from './v2-answer.js';
import { bearerOk, readRequestBody, trackInFlight, type SimContext } from './v2-context.js';
import { retryAfterSeconds, type V2EndpointQuota } from './v2-quota.js';
import { V2_ERRORS, v2ErrorForV1, type V2Error } from './v2-responses.js';
import { peekV2Model, validateV2ChatBody } from './v2-validation.js';

export const V2_CHAT_PATH = '/v2/chat/completions';

/** The v2 quota of a chat model: keyed by its v1 endpoint suffix, in the v2 book. */
export function v2ChatQuotaKey(endpoint: string): string {
  return `chat/${endpoint}`;
}

export async function serveV2Chat(ctx: SimContext, req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
  const { stats, options } = ctx;
  stats.chatRequests++;
  let cancelAnswer: Cancel = () => {};
  trackInFlight(stats, res, () => cancelAnswer());
  const random = ctx.nextRequestRandom('chat');
  const id = responseId(random);
  let quota: V2EndpointQuota | undefined;
  const fail = (error: V2Error, extraHeaders: Record<string, string> = {}): void => {
    if (error.status === 429) stats.throttled++;
    const headers = { ...(quota?.headers(now()) ?? {}), ...extraHeaders };
    if (error.status === 429 && headers['Retry-After'] === undefined) headers['Retry-After'] = '1';
    sendJson(res, { ...error.body, id }, headers, error.status);
  };

  const raw = await readRequestBody(req);
  if (raw === undefined || res.destroyed) return;
  if (req.method !== 'POST') return fail(V2_ERRORS.methodNotAllowed());
  const peeked = peekV2Model(raw, options.catalog);
  if (peeked) quota = ctx.v2Quotas.for(v2ChatQuotaKey(peeked.endpoint));
  if (!bearerOk(req, options.bearerToken)) return fail(V2_ERRORS.badToken());

  const validation = validateV2ChatBody(raw, options.catalog);
  if (!validation.ok) return fail(validation.error);
  const { input, model, modelId, includeUsage } = validation.request;
  quota = ctx.v2Quotas.for(v2ChatQuotaKey(model.endpoint));

  const userText = lastUserContent(input);
  const directive = parseDirective(userText);
  if (directive?.kind === 'error') return fail(v2ErrorForV1(v1Error(directive.code)));

  const admission = quota.admit(input.promptTokens, now());
  if (!admission.ok) {
    const error = admission.limit === 'rpm' ? V2_ERRORS.rpm() : V2_ERRORS.tpm();
    return fail(error, { 'Retry-After': String(retryAfterSeconds(admission.retryAfterMs)) });
  }

  const rolled = rollFault(random, options.faults);
  const fault = directive?.kind === 'fault' ? directive.fault : rolled;
  if (fault === 'http500') return fail(V2_ERRORS.internal());
  if (fault === 'busy' || fault === 'jsonInsteadOfStream') return fail(V2_ERRORS.highLoad());
  if (fault === 'resetBeforeHeaders') {
    req.socket.destroy();
    return;
  }

  // Exactly the v1 computation, keyed by the v1 chat endpoint of the model.
  const { answer, offsets, oneTokenMs } = composeAnswer(options, random, stats.inFlight, `chat/${model.endpoint}`, input, model.defaultMaxOutputTokens);
  const admitted = quota;
  const plan: V2AnswerPlan = {
    meta: { id, created: unixSeconds(), model: modelId },
    answer,
    promptTokens: input.promptTokens,
    arrival,
    offsets,
    oneTokenMs,
    fault,
    stallMs: options.stallMs,
    headers: () => admitted.headers(now()),
    includeUsage,
  };
  if (res.destroyed) return;
  cancelAnswer = deliverAnswer(res, plan, v2Framing(plan), ctx.timers, input.stream, {
    arrival,
    promptTokens: input.promptTokens,
    quota: admitted,
    stats,
    recordFirstChunk: (delayMs, plannedMs) => ctx.recordFirstChunk(delayMs, plannedMs),
  });
}
