/**
 * POST …/wenxinworkshop/tokenizer/erniebot: counts a prompt's tokens with the simulator's
 * tokenizer (tokenizer.ts). Auth as every v1 API; not counted in flight, charged to no quota.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashString, seededRandom } from '../util/random.js';
import { sendJson } from './answer.js';
import { authenticate } from './auth.js';
import type { SimContext } from './context.js';
import { readBody } from './exchange.js';
import { responseId, tokenizerBody, V1_JSON_HEADERS, v1Error } from './responses.js';
import { countSimTokens } from './tokenizer.js';

export const V1_TOKENIZER_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/tokenizer/erniebot';

export async function serveV1Tokenizer(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // Its own id stream, keyed by the HTTP request count, so tokenizer calls never shift chat draws.
  const id = responseId(seededRandom(hashString(`tokenizer:${ctx.stats.httpRequests}`, ctx.options.seed)));
  const raw = await readBody(req);
  if (raw === undefined) return;
  const auth = authenticate(req, url, ctx.auth);
  if (!auth.ok) return sendJson(res, { ...auth.error, id }, V1_JSON_HEADERS);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return sendJson(res, { ...v1Error(336002, 'Invalid JSON'), id }, V1_JSON_HEADERS);
  }
  const prompt = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).prompt : undefined;
  if (typeof prompt !== 'string' || prompt.length === 0) {
    return sendJson(res, { ...v1Error(336003, 'prompt must be a non-empty string'), id }, V1_JSON_HEADERS);
  }
  sendJson(res, tokenizerBody(id, countSimTokens(prompt)), V1_JSON_HEADERS);
}
