/**
 * Delivering a generated answer in v2 (OpenAI-compatible) framing, on exactly the schedule the v1
 * path uses (answer.ts): the same sentences at the same offsets from arrival, so a v1 and a v2
 * request for the same content have the same text, usage and cadence.
 *
 * Stream, one write per v1 event:
 *   sentence 0   a role chunk (`delta: {role: "assistant", content: ""}`) and the first text chunk,
 *                in one write (the role chunk never arrives before the text on its own)
 *   sentence i   a chunk with `delta.content` (a reasoning model's first sentences: `delta.reasoning_content`,
 *                v2-reasoning.ts; its usage adds `completion_tokens_details.reasoning_tokens`)
 *   last         its text chunk, then a chunk with an empty delta and `finish_reason` ("stop" for v1
 *                "normal", "length"), then with `stream_options.include_usage` a usage-only chunk
 *                (`choices: []`), then `data: [DONE]`, all in the same write
 * Mid-stream faults act where they act on v1 (faults.ts), in v2 words: midStreamError writes
 * `data: {"error":{code:"invalid_argument",…},"id":…}` and ends without [DONE]; garbageSse writes
 * `data: {not json` after the first sentence; cutMidStream and stall as v1. A non-stream answer is
 * one `chat.completion` body when the last sentence would have been written; midStreamError then
 * answers HTTP 400 with that error at the moment the second event was due.
 */
import type { AnswerFraming, AnswerPlan } from './answer.js';
import type { ReasoningPart } from './v2-reasoning.js';
import { V2_DONE, V2_ERRORS, v2Chunk, v2FinishReason, v2SyncBody, v2Usage, type V2AnswerMeta } from './v2-responses.js';

export interface V2AnswerPlan extends Omit<AnswerPlan, 'meta'> {
  meta: V2AnswerMeta;
  includeUsage: boolean;
  /** A reasoning model's thinking: its first `events` events carry `delta.reasoning_content` (v2-reasoning.ts). */
  reasoning?: ReasoningPart;
}

/** v2 framing of the same answer (see the table above). */
export function v2Framing(plan: V2AnswerPlan): AnswerFraming {
  const { meta, answer, promptTokens, includeUsage, reasoning } = plan;
  const reasoningEvents = reasoning?.events ?? 0;
  return {
    event: (index, text, isEnd) => {
      let chunk = '';
      if (index === 0) chunk += v2Chunk(meta, { delta: { role: 'assistant', content: '' }, finish_reason: null }, includeUsage);
      const field = index < reasoningEvents ? 'reasoning_content' : 'content';
      if (text.length > 0) chunk += v2Chunk(meta, { delta: { [field]: text }, finish_reason: null }, includeUsage);
      if (isEnd) {
        chunk += v2Chunk(meta, { delta: {}, finish_reason: v2FinishReason(answer.finishReason) }, includeUsage);
        if (includeUsage) chunk += v2Chunk(meta, undefined, true, v2Usage(promptTokens, answer.completionTokens, reasoning?.tokens));
        chunk += V2_DONE;
      }
      return chunk;
    },
    midStreamError: () => `data: ${JSON.stringify({ ...V2_ERRORS.midStream().body, id: meta.id })}\n\n`,
    syncBody: () => v2SyncBody(meta, answer.text, answer.finishReason, promptTokens, answer.completionTokens, reasoning),
    syncError: () => {
      const error = V2_ERRORS.midStream();
      return { status: error.status, body: { ...error.body, id: meta.id } };
    },
  };
}
