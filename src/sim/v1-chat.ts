/**
 * POST …/wenxinworkshop/{chat|completions}/{suffix}: the v1 chat and completions APIs. The
 * pipeline: auth (access token or bce-auth-v1) -> validation against the endpoint's catalog limits
 * -> directive -> quota -> fault -> answer (flagged need_clear_history when the input is judged
 * unsafe, unsafe-input.ts), every refusal a v1 error with HTTP 200 (500 for the
 * internal-error fault) and the endpoint's quota headers (qianfan-api.md §4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from '../util/clock.js';
import { v1Framing, type AnswerPlan } from './answer.js';
import { authenticate } from './auth.js';
import type { SimContext } from './context.js';
import { endpointLimits } from './endpoint-limits.js';
import { decideFault, Exchange } from './exchange.js';
import { parseDirective } from './faults.js';
import { unixSeconds, v1Error, type V1Error } from './responses.js';
import { judgeInput } from './unsafe-input.js';
import { lastUserContent, validateChatBody } from './validation.js';

export const V1_CHAT_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/(chat|completions)\/([^/]+)\/?$/;

export async function serveV1Chat(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  api: 'chat' | 'completions',
  endpoint: string,
  arrival: number,
): Promise<void> {
  const { options } = ctx;
  const exchange = new Exchange(ctx, req, res, arrival, 'chat');
  const endpointKey = `${api}/${endpoint}`;
  const quota = ctx.quotas.for(endpointKey);
  const fail = (error: V1Error, status = 200): void => exchange.refuseV1(error, quota.headers(now()), status);

  const raw = await exchange.body();
  if (raw === undefined) return;
  const auth = authenticate(req, url, ctx.auth);
  if (!auth.ok) return fail(auth.error);

  const limits = endpointLimits(options.catalog, options.customEndpoints, endpoint);
  const validation = validateChatBody(raw, api, limits);
  if (!validation.ok) return fail(validation.error);
  const input = validation.input;

  const directive = parseDirective(lastUserContent(input));
  if (directive?.kind === 'error') return fail(v1Error(directive.code));

  const admission = quota.admit(input.promptTokens, now());
  if (!admission.ok) return fail(v1Error(admission.limit === 'rpm' ? 336501 : 336502));

  const fault = decideFault(exchange.random, options, directive);
  const early = exchange.earlyFault(fault, { internal: () => fail(v1Error(336000, 'Internal error'), 500), busy: () => fail(v1Error(336100)) });
  if (early) return;

  const plan: AnswerPlan = {
    meta: { id: exchange.id, object: api === 'chat' ? 'chat.completion' : 'completion', created: unixSeconds() },
    ...exchange.composeChat(endpointKey, input, limits.defaultMaxOutputTokens, fault, () => quota.headers(now())),
  };
  exchange.deliver(plan, v1Framing(plan, judgeInput(input, options.seed, options.unsafeRate)), input.stream, quota);
}
