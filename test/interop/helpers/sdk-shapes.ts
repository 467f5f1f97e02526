/**
 * What a caller of the SDK gets back, checked field by field against the platform's documented
 * shapes (shared/reference/qianfan-api.md §2, §4, §6): if the simulator answered something the
 * SDK could not read, or read into the wrong shape, the parse fails and names the field.
 */
import { z } from 'zod';

const count = z.number().int().min(0);
const v1Usage = z.object({ prompt_tokens: count, completion_tokens: count, total_tokens: count });

export const V1ChatAnswer = z.object({
  id: z.string().regex(/^as-[0-9a-z]+$/),
  object: z.enum(['chat.completion', 'completion']),
  created: z.number().int().positive(),
  result: z.string().min(1),
  is_truncated: z.boolean(),
  need_clear_history: z.boolean(),
  usage: v1Usage,
});

export const V1StreamChunk = z.object({
  id: z.string().regex(/^as-[0-9a-z]+$/),
  object: z.enum(['chat.completion', 'completion']),
  sentence_id: z.number().int().min(0),
  is_end: z.boolean(),
  is_truncated: z.boolean(),
  result: z.string(),
  usage: v1Usage,
});
export type V1StreamChunk = z.infer<typeof V1StreamChunk>;

export const V1Embeddings = z.object({
  id: z.string().regex(/^as-[0-9a-z]+$/),
  object: z.literal('embedding_list'),
  data: z.array(z.object({ object: z.literal('embedding'), embedding: z.array(z.number()).min(1), index: count })).min(1),
  usage: z.object({ prompt_tokens: count, total_tokens: count }),
});

/** The SDK copies the response headers (lowercase names) into every JSON answer it returns. */
export const WithHeaders = z.object({ headers: z.record(z.string(), z.string()) });

/** The v1 error body the SDK puts, JSON-encoded, into the message of the Error it throws. */
export const V1ErrorBody = z.object({ error_code: z.number().int(), error_msg: z.string() });

export const V2ChatAnswer = z.object({
  id: z.string().min(1),
  object: z.literal('chat.completion'),
  model: z.string(),
  choices: z
    .array(z.object({ index: count, message: z.object({ role: z.literal('assistant'), content: z.string().min(1) }), finish_reason: z.string() }))
    .min(1),
  usage: z.object({ prompt_tokens: count, completion_tokens: count, total_tokens: count }),
});

export const V2StreamChunk = z.object({
  object: z.literal('chat.completion.chunk'),
  choices: z.array(z.object({ index: count, delta: z.object({ content: z.string().optional() }) })),
  usage: z.object({ prompt_tokens: count, completion_tokens: count, total_tokens: count }).nullable().optional(),
});

export const BearerTokenAnswer = z.object({
  token: z.string().regex(/^bce-v3\/ALTAK-/),
  status: z.string(),
  createTime: z.string(),
  expireTime: z.string(),
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && typeof value[Symbol.asyncIterator] === 'function';
}

/** Rejects with `label` when `work` has not settled after `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no end after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every chunk of a stream the SDK returned, within `ms` (the SDK bounds only the wait for headers). */
export async function collectStream(value: unknown, ms = 10_000): Promise<unknown[]> {
  if (!isAsyncIterable(value)) throw new Error(`the SDK returned ${JSON.stringify(value)?.slice(0, 300)} instead of a stream`);
  const chunks: unknown[] = [];
  const read = async (): Promise<unknown[]> => {
    for await (const chunk of value) chunks.push(chunk);
    return chunks;
  };
  return withDeadline(read(), ms, 'SDK stream');
}

/** The v1 error inside an SDK rejection (the SDK throws `new Error(JSON.stringify(body))`). */
export async function sdkV1Error(call: Promise<unknown>): Promise<z.infer<typeof V1ErrorBody>> {
  const outcome = await call.then(
    (value: unknown) => ({ settled: 'resolved' as const, value }),
    (reason: unknown) => ({ settled: 'rejected' as const, reason }),
  );
  if (outcome.settled === 'resolved') throw new Error(`expected the SDK to reject, it resolved ${JSON.stringify(outcome.value)?.slice(0, 300)}`);
  const { reason } = outcome;
  if (!(reason instanceof Error)) throw new Error(`the SDK rejected with a non-Error: ${String(reason)}`);
  let body: unknown;
  try {
    body = JSON.parse(reason.message);
  } catch {
    throw new Error(`no JSON error body in: ${reason.message.slice(0, 300)}`);
  }
  return V1ErrorBody.parse(body);
}
