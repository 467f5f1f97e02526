/**
 * The simulated model's answer: its length and its text, split into the sentences that a stream
 * sends one per event. Both depend only on the seed and the request content, so a streaming and a
 * non-streaming call with the same body produce the same answer (clients compare them).
 */
import { hashString, seededRandom, type Random } from '../util/random.js';
import { countSimTokens } from './tokenizer.js';

export interface Sentence {
  text: string;
  tokens: number;
}

export interface GeneratedAnswer {
  sentences: Sentence[];
  text: string;
  completionTokens: number;
  /** 'length' when the output cap cut the answer short, 'stop' when a stop string ended it (stop-strings.ts), else 'normal'. */
  finishReason: 'normal' | 'length' | 'stop';
  /** The output cap cut the answer (v1 `is_truncated`). */
  truncated: boolean;
}

export interface LengthLimits {
  /** Range the natural answer length is drawn from. */
  min: number;
  max: number;
  /** max_output_tokens of the request, or the model's default cap. */
  maxOutputTokens: number;
  /** min_output_tokens of the request: raises the length, never past maxOutputTokens. */
  minOutputTokens?: number;
}

// Words of at most four ASCII letters are exactly one token each, so counting stays exact.
const ENGLISH_WORDS = (
  'the of and to in is was for on are as with his they at be this from have or by one had not but ' +
  'what all were when we can an your said if do will each how up out them ' +
  'then she many some so make like him into time has look two more go see way who its now find ' +
  'long down day did get come made may part over new work take year live back give most very ' +
  'good show form ask end move kind hand high play air off need home read land line help turn ' +
  'plan data test fast slow load rate unit step node path rule case fact idea note text word list'
).split(' ');

// Common ideographs, all in U+4E00–U+9FFF, so each counts as exactly one token.
const CHINESE_CHARS = Array.from(
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种' +
    '面而方后' +
    '多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性' +
    '好应开它合' +
    '还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道' +
    '命此变条只' +
    '没结解问意建月公无系军很情者最立代想已通并提直题程展五果料象员革位入常文总次品式活设及管特件长求老' +
    '头基资边流',
);

const SENTENCE_MIN_TOKENS = 8;
const SENTENCE_MAX_TOKENS = 24;

/** The stable part of the answer's seed: same seed + same request content = same answer. */
export function answerRandom(seed: number, requestKey: string): Random {
  return seededRandom(hashString(requestKey, hashString(String(seed))));
}

export function chooseLength(random: Random, limits: LengthLimits): { tokens: number; finishReason: 'normal' | 'length' } {
  const natural = limits.min + Math.floor(random() * (limits.max - limits.min + 1));
  // The cap holds whatever min_output_tokens asks for: without max_output_tokens it is the model's default (1,024).
  const wanted = Math.max(natural, limits.minOutputTokens ?? 0);
  return wanted > limits.maxOutputTokens ? { tokens: limits.maxOutputTokens, finishReason: 'length' } : { tokens: wanted, finishReason: 'normal' };
}

/** Sentence sizes in [8, 24] that add up to `total` (a single shorter sentence when total < 8). */
export function splitIntoSentenceSizes(random: Random, total: number): number[] {
  const sizes: number[] = [];
  let remaining = total;
  while (remaining > 0) {
    if (remaining <= SENTENCE_MAX_TOKENS) {
      sizes.push(remaining);
      break;
    }
    // Never leave a remainder below the minimum: it could not form a sentence of its own.
    const largest = Math.min(SENTENCE_MAX_TOKENS, remaining - SENTENCE_MIN_TOKENS);
    const size = SENTENCE_MIN_TOKENS + Math.floor(random() * (largest - SENTENCE_MIN_TOKENS + 1));
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function englishSentence(random: Random, tokens: number, first: boolean): string {
  const words: string[] = [];
  // The closing '.' is a token of its own, so a sentence of n tokens has n - 1 words.
  const wordCount = tokens === 1 ? 1 : tokens - 1;
  for (let i = 0; i < wordCount; i++) words.push(pick(random, ENGLISH_WORDS));
  const firstWord = words[0] ?? '';
  words[0] = firstWord.charAt(0).toUpperCase() + firstWord.slice(1);
  const body = words.join(' ') + (tokens === 1 ? '' : '.');
  return first ? body : ` ${body}`;
}

function chineseSentence(random: Random, tokens: number): string {
  let text = '';
  const charCount = tokens === 1 ? 1 : tokens - 1;
  for (let i = 0; i < charCount; i++) text += pick(random, CHINESE_CHARS);
  return tokens === 1 ? text : `${text}。`;
}

export function generateAnswer(random: Random, limits: LengthLimits, chinese: boolean): GeneratedAnswer {
  const { tokens, finishReason } = chooseLength(random, limits);
  const sizes = splitIntoSentenceSizes(random, tokens);
  const sentences = sizes.map((size, index) => {
    const text = chinese ? chineseSentence(random, size) : englishSentence(random, size, index === 0);
    return { text, tokens: size };
  });
  const text = sentences.map((sentence) => sentence.text).join('');
  const counted = countSimTokens(text);
  if (counted !== tokens) throw new Error(`simulator generator produced ${counted} tokens instead of ${tokens}`);
  return { sentences, text, completionTokens: tokens, finishReason, truncated: finishReason === 'length' };
}
