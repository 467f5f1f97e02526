/**
 * `stop`: the generation ends where the output would first contain one of the stop strings
 * (qianfan-api.md §9), so the answer is the text before that occurrence and its finish_reason is
 * "stop". The answer is cut after the output cap applied: a stop string past the cap is never
 * generated, and one inside it ends the answer before the cap did (it is then not truncated).
 */
import type { GeneratedAnswer, Sentence } from './generator.js';
import { countSimTokens } from './tokenizer.js';

/** Where the earliest of `stops` starts in `text`, or undefined when none occurs. */
export function firstStopAt(text: string, stops: readonly string[]): number | undefined {
  let earliest: number | undefined;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

export function cutAtStop(answer: GeneratedAnswer, stops: readonly string[] | undefined): GeneratedAnswer {
  if (stops === undefined || stops.length === 0) return answer;
  const cutAt = firstStopAt(answer.text, stops);
  if (cutAt === undefined) return answer;

  const sentences: Sentence[] = [];
  let start = 0;
  for (const sentence of answer.sentences) {
    const end = start + sentence.text.length;
    if (end <= cutAt) sentences.push(sentence);
    else {
      const kept = sentence.text.slice(0, cutAt - start);
      if (kept !== '') sentences.push({ text: kept, tokens: countSimTokens(kept) });
      break;
    }
    start = end;
  }
  // A stream still needs one event to carry is_end, even for an answer stopped before its first character.
  if (sentences.length === 0) sentences.push({ text: '', tokens: 0 });
  const text = answer.text.slice(0, cutAt);
  return { sentences, text, completionTokens: countSimTokens(text), finishReason: 'stop', truncated: false };
}
