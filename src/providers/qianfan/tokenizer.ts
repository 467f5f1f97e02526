/**
 * The v1 tokenizer endpoint (`tokenizer/erniebot`): the server's own token count of a text. Each
 * distinct text is asked once (cached), a few at a time, so a dataset of repeated system prompts
 * costs one call per distinct piece.
 */
import pLimit from 'p-limit';
import type { Dispatcher } from 'undici';
import { UserError } from '../../errors.js';
import { readTextCapped } from '../body-limit.js';
import { decodeBody } from '../content-encoding.js';
import { parseJsonObject } from '../event-stream.js';
import { exchange, type HttpTimeouts } from '../http.js';
import { authorizeV1, v1TokenSource, type QianfanAuth } from './auth.js';
import { errorFromBody } from './error-codes.js';
import { implausibleUsage } from '../usage.js';
import { V1_PREFIX } from './wire.js';

/** Models the tokenizer endpoint accepts in its `model` field (qianfan-api.md section 2). */
export const TOKENIZER_MODELS: readonly string[] = [
  'ernie-4.0-8k',
  'ernie-3.5-8k',
  'ernie-speed-8k',
  'ernie-speed-128k',
  'ernie-lite-8k',
  'ernie-tiny-8k',
  'ernie-char-8k',
];

export interface TokenizerOptions {
  baseUrl: string;
  auth: QianfanAuth;
  dispatcher: Dispatcher;
  timeouts: HttpTimeouts;
  /** A TOKENIZER_MODELS name, or undefined for the server's default. */
  model?: string;
  concurrency?: number;
  /** Cap on an answer's size (default DEFAULT_MAX_RESPONSE_BYTES): a huge body fails with response_too_large. */
  maxResponseBytes?: number;
}

export interface ServerTokenizer {
  count(text: string): Promise<number>;
  /** Calls made so far (distinct texts). */
  readonly calls: number;
}

export function createServerTokenizer(options: TokenizerOptions): ServerTokenizer {
  const origin = new URL(options.baseUrl).origin;
  const tokens = v1TokenSource(options.auth, origin, options.dispatcher);
  const limit = pLimit(options.concurrency ?? 8);
  const cache = new Map<string, Promise<number>>();
  let calls = 0;

  async function ask(text: string): Promise<number> {
    calls++;
    const body = JSON.stringify(options.model !== undefined ? { prompt: text, model: options.model } : { prompt: text });
    const authorized = await authorizeV1(options.auth, tokens, 'POST', `${origin}${V1_PREFIX}/tokenizer/erniebot`);
    let answer: unknown;
    let status = 0;
    const outcome = await exchange(
      {
        dispatcher: options.dispatcher,
        url: authorized.url,
        headers: authorized.headers,
        body,
        timeouts: options.timeouts,
        maxResponseBytes: options.maxResponseBytes,
      },
      async (response) => {
        status = response.status;
        answer = parseJsonObject(await readTextCapped(decodeBody(response.body, response.headers, response.maxBytes), response.maxBytes));
      },
    );
    if (outcome.error !== undefined) throw new UserError('aborted', `tokenizer request failed: ${outcome.error.message}`);
    const error = errorFromBody(answer, status);
    if (error !== undefined) {
      throw new UserError(error.class === 'auth' ? 'auth' : 'aborted', `the tokenizer endpoint answered error_code ${String(error.code)}: ${error.message}`);
    }
    const promptTokens = (answer as { usage?: { prompt_tokens?: unknown } } | undefined)?.usage?.prompt_tokens;
    if (typeof promptTokens !== 'number') throw new UserError('aborted', `the tokenizer endpoint answered HTTP ${status} without usage.prompt_tokens`);
    // A count the text cannot have (2^53, -1, 1.5) would poison every figure built on it (rule: usage.ts).
    const implausible =
      Number.isSafeInteger(promptTokens) && promptTokens >= 0
        ? implausibleUsage({ promptTokens, completionTokens: 0, totalTokens: promptTokens }, '', text)
        : `${promptTokens} is not a non-negative integer`;
    if (implausible !== undefined) throw new UserError('aborted', `the tokenizer endpoint answered an impossible usage.prompt_tokens: ${implausible}`);
    return promptTokens;
  }

  return {
    count(text: string): Promise<number> {
      if (text.length === 0) return Promise.resolve(0);
      let pending = cache.get(text);
      if (pending === undefined) {
        pending = limit(() => ask(text));
        cache.set(text, pending);
      }
      return pending;
    },
    get calls() {
      return calls;
    },
  };
}
