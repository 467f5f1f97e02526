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
 * A reasoning model (catalog `reasoning: true`) streams a reasoning text before that answer (v2-reasoning.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import type { SimContext } from './context.js';
import { decideFault, Exchange } from './exchange.js';
import { parseDirective } from './faults.js';
import { v2BearerOk } from './v2-bearer.js';
import { unixSeconds, v1Error } from './responses.js';
import { slowdownFactor } from './latency.js';
import { containsCjk } from './tokenizer.js';
import { answerKey, lastUserContent } from './validation.js';
import { v2Framing, type V2AnswerPlan } from './v2-answer.js';
import { withReasoning } from './v2-reasoning.js';
import { retryAfterSeconds, type V2EndpointQuota } from './v2-quota.js';
import { V2_ERRORS, v2ErrorForV1, type V2Error } from './v2-responses.js';
import { peekV2Model, validateV2ChatBody } from './v2-validation.js';

export const V2_CHAT_PATH = '/v2/chat/completions';

/** The v2 quota of a chat model: keyed by its v1 endpoint suffix, in the v2 book. */
export function v2ChatQuotaKey(endpoint: string): string {
  return `chat/${endpoint}`;
}

export async function serveV2Chat(ctx: SimContext, req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
  const { options } = ctx;
  const exchange = new Exchange(ctx, req, res, arrival, 'chat');
  // Known once the body names a model; refusals before that carry no quota headers.
  let quota: V2EndpointQuota | undefined;
  const fail = (error: V2Error, extraHeaders: Record<string, string> = {}): void =>
    exchange.refuseV2(error, { ...(quota?.headers(now()) ?? {}), ...extraHeaders });

  const raw = await exchange.body();
  if (raw === undefined) return;
  if (req.method !== 'POST') return fail(V2_ERRORS.methodNotAllowed());
  const peeked = peekV2Model(raw, options.catalog);
  if (peeked) quota = ctx.v2Quotas.for(v2ChatQuotaKey(peeked.endpoint));
  if (!v2BearerOk(ctx, req)) return fail(V2_ERRORS.badToken());

  const validation = validateV2ChatBody(raw, options.catalog);
  if (!validation.ok) return fail(validation.error);
  const { input, model, modelId, includeUsage } = validation.request;
  const admitted = ctx.v2Quotas.for(v2ChatQuotaKey(model.endpoint));
  quota = admitted;

  const directive = parseDirective(lastUserContent(input));
  if (directive?.kind === 'error') return fail(v2ErrorForV1(v1Error(directive.code)));

  const admission = admitted.admit(input.promptTokens, now());
  if (!admission.ok) {
    const error = admission.limit === 'rpm' ? V2_ERRORS.rpm() : V2_ERRORS.tpm();
    return fail(error, { 'Retry-After': String(retryAfterSeconds(admission.retryAfterMs)) });
  }

  const fault = decideFault(exchange.random, options, directive);
  const early = exchange.earlyFault(fault, { internal: () => fail(V2_ERRORS.internal()), busy: () => fail(V2_ERRORS.highLoad()) });
  if (early) return;

  // Exactly the v1 computation, keyed by the v1 chat endpoint of the model.
  const endpointKey = `chat/${model.endpoint}`;
  const composed = exchange.composeChat(endpointKey, input, model.defaultMaxOutputTokens, fault, () => admitted.headers(now()));
  const meta = { id: exchange.id, created: unixSeconds(), model: modelId };
  let plan: V2AnswerPlan = { meta, ...composed, includeUsage };
  if (model.reasoning === true) {
    // A reasoning model thinks first: the same answer, after a reasoning text (v2-reasoning.ts).
    const slowdown = slowdownFactor(ctx.stats.inFlight, options.capacity);
    const chinese = containsCjk(lastUserContent(input));
    const thought = withReasoning(composed, options, exchange.random, slowdown, options.seed, answerKey(endpointKey, input), chinese);
    plan = { meta, ...thought.plan, includeUsage, reasoning: thought.reasoning };
  }
  exchange.deliver(plan, v2Framing(plan), input.stream, admitted);
}
