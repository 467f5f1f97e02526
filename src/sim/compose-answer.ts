/**
 * The answer to a validated chat request and when each of its sentences is due: one computation
 * for v1 and v2, so the same content gets the same text, usage and cadence on either API. The
 * text is the seeded filler, or a fixed one in the echo and dataset answer modes (answer-modes.ts).
 */
import type { Random } from '../util/random.js';
import type { AnswerPlan } from './answer.js';
import { fixedAnswer, fixedAnswerText } from './answer-modes.js';
import { answerRandom, generateAnswer, type GeneratedAnswer } from './generator.js';
import { decodeDelay, planSentenceOffsets, slowdownFactor } from './latency.js';
import type { ResolvedSimOptions } from './options.js';
import { cutAtStop } from './stop-strings.js';
import { containsCjk } from './tokenizer.js';
import { answerKey, lastUserContent, type ChatInput } from './validation.js';

/** Today's generated text, its length drawn from the seed within the request's limits. */
function fillerAnswer(options: ResolvedSimOptions, endpointKey: string, input: ChatInput, maxOutputTokens: number): GeneratedAnswer {
  const lengthLimits = { ...options.outputTokens, maxOutputTokens };
  return generateAnswer(
    answerRandom(options.seed, answerKey(endpointKey, input)),
    input.params.min_output_tokens === undefined ? lengthLimits : { ...lengthLimits, minOutputTokens: input.params.min_output_tokens },
    containsCjk(lastUserContent(input)),
  );
}

export function composeAnswer(
  options: ResolvedSimOptions,
  random: Random,
  inFlight: number,
  /** The v1 endpoint key (`chat/ernie_speed`): the answer is the same for every API that reaches it. */
  endpointKey: string,
  input: ChatInput,
  defaultMaxOutputTokens: number,
): Pick<AnswerPlan, 'answer' | 'offsets' | 'oneTokenMs'> {
  const maxOutputTokens = input.params.max_output_tokens ?? defaultMaxOutputTokens;
  const fixedText = fixedAnswerText({ mode: options.answers, datasetAnswers: options.datasetAnswers }, input.system, input.messages);
  const generated = fixedText !== undefined ? fixedAnswer(fixedText, maxOutputTokens) : fillerAnswer(options, endpointKey, input, maxOutputTokens);
  const answer = cutAtStop(generated, input.params.stop);
  const slowdown = slowdownFactor(inFlight, options.capacity);
  const offsets = planSentenceOffsets(
    random,
    options,
    input.promptTokens,
    answer.sentences.map((sentence) => sentence.tokens),
    slowdown,
  );
  return { answer, offsets, oneTokenMs: decodeDelay(random, options, 1, slowdown) };
}
