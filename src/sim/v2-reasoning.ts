/**
 * A v2 reasoning model (catalog `reasoning: true`, e.g. `deepseek-r1`, `ernie-x1-32k`) thinks before
 * it answers: its stream sends `delta.reasoning_content` sentences first, then the `delta.content`
 * sentences of the same answer any other model would give, and its usage counts the thinking in
 * `completion_tokens` and in `completion_tokens_details.reasoning_tokens`, as OpenAI-compatible
 * servers do.
 *
 * Timing: the first reasoning sentence is written when the answer's first sentence would have been
 * (after prefill), each next sentence after decoding its own tokens at the answer's per-token rate,
 * and the answer follows the last reasoning sentence on its own cadence. So TTFT (first answer
 * token) comes later than the time to the first reasoning token by the whole thinking time.
 *
 * Simplifications: the reasoning length is drawn from the request content (24-96 tokens) and is
 * not cut by `max_tokens` (which caps the answer alone); `enable_thinking` / `thinking_budget` are
 * accepted and ignored.
 */
import type { Random } from '../util/random.js';
import type { AnswerPlan } from './answer.js';
import { answerRandom, generateAnswer } from './generator.js';
import { decodeDelay, type LatencyModel } from './latency.js';

export interface ReasoningPart {
  /** The whole reasoning text (`message.reasoning_content` of a sync answer). */
  text: string;
  tokens: number;
  /** How many of the plan's first events carry reasoning rather than answer text. */
  events: number;
}

const REASONING_TOKENS = { min: 24, max: 96 } as const;

/**
 * The plan of a reasoning model's answer: reasoning sentences, then the answer's, with offsets
 * shifted by the thinking time; `answer.text` stays the answer alone and `completionTokens` counts both.
 */
export function withReasoning(
  plan: Omit<AnswerPlan, 'meta'>,
  model: LatencyModel,
  random: Random,
  slowdown: number,
  seed: number,
  answerKey: string,
  chinese: boolean,
): { plan: Omit<AnswerPlan, 'meta'>; reasoning: ReasoningPart } {
  const thought = generateAnswer(answerRandom(seed, `${answerKey}#reasoning`), { ...REASONING_TOKENS, maxOutputTokens: REASONING_TOKENS.max }, chinese);
  const firstOffset = plan.offsets[0] ?? 0;
  const offsets: number[] = [];
  let at = firstOffset;
  thought.sentences.forEach((sentence, index) => {
    if (index > 0) at += decodeDelay(random, model, sentence.tokens, slowdown);
    offsets.push(at);
  });
  const answerStart = at + decodeDelay(random, model, plan.answer.sentences[0]?.tokens ?? 1, slowdown);
  for (const offset of plan.offsets) offsets.push(answerStart + (offset - firstOffset));
  return {
    plan: {
      ...plan,
      answer: {
        ...plan.answer,
        sentences: [...thought.sentences, ...plan.answer.sentences],
        completionTokens: plan.answer.completionTokens + thought.completionTokens,
      },
      offsets,
    },
    reasoning: { text: thought.text, tokens: thought.completionTokens, events: thought.sentences.length },
  };
}
