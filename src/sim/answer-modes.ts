/**
 * Where an answer's text comes from (`answers` option): 'filler' generates text from the seed
 * (generator.ts), 'echo' repeats the last user message, 'dataset' answers with the dataset row's
 * `sim_answer` (a map from request content to answer, built by whoever knows the rows: `run --sim`
 * from its prepared rows). A fixed text lets assertions pass or fail by design; the output cap
 * still cuts it (is_truncated), so limits behave as with filler.
 */
import type { GeneratedAnswer, Sentence } from './generator.js';
import type { AnswerMode } from './options.js';
import { countSimTokens } from './tokenizer.js';

/** The content a dataset answer is matched by: `system` and the messages, as the simulator receives them. */
export function datasetAnswerKey(system: string | undefined, messages: ReadonlyArray<{ role: string; content: string }>): string {
  return JSON.stringify([system ?? '', messages.map((message) => [message.role, message.content])]);
}

export interface AnswerSource {
  mode: AnswerMode;
  datasetAnswers: Readonly<Record<string, string>>;
}

/** The fixed text the mode gives this request, or undefined when the filler answers (no mapped answer, or mode filler). */
export function fixedAnswerText(
  source: AnswerSource,
  system: string | undefined,
  messages: ReadonlyArray<{ role: string; content: string }>,
): string | undefined {
  if (source.mode === 'echo') {
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (message?.role === 'user') return message.content;
    }
    return undefined;
  }
  if (source.mode !== 'dataset') return undefined;
  const key = datasetAnswerKey(system, messages);
  const answer = Object.hasOwn(source.datasetAnswers, key) ? source.datasetAnswers[key] : undefined;
  return answer === undefined || answer === '' ? undefined : answer;
}

/** The longest prefix of `text` within `maxTokens` tokens (the count never falls as a prefix grows). */
function prefixWithin(text: string, maxTokens: number): string {
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (countSimTokens(chars.slice(0, mid).join('')) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  return chars.slice(0, low).join('');
}

/**
 * Sentences end after `.`, `!`, `?`, their fullwidth forms, `。` or a newline: a cut after
 * punctuation never splits a word, so the sentences' tokens add up to the text's.
 */
function splitSentences(text: string): Sentence[] {
  const pieces = text.match(/[^.!?。！？\n]*(?:[.!?。！？\n]+|$)/gu)?.filter((piece) => piece !== '') ?? [];
  if (pieces.length === 0) return [{ text: '', tokens: 0 }];
  return pieces.map((piece) => ({ text: piece, tokens: countSimTokens(piece) }));
}

/** A fixed text as an answer, cut at the output cap (finish_reason 'length', is_truncated) when it is longer. */
export function fixedAnswer(text: string, maxOutputTokens: number): GeneratedAnswer {
  const truncated = countSimTokens(text) > maxOutputTokens;
  const kept = truncated ? prefixWithin(text, maxOutputTokens) : text;
  const sentences = splitSentences(kept);
  const completionTokens = sentences.reduce((sum, sentence) => sum + sentence.tokens, 0);
  return { sentences, text: kept, completionTokens, finishReason: truncated ? 'length' : 'normal', truncated };
}
