/**
 * Synthetic prompts of a given token length, for traces that give lengths, not text. The words are
 * short common English words (at most four letters), so each is one token by the offline estimate
 * (one per non-CJK word, qianfan/spec/token-estimate.ts) and by the simulator's tokenizer (a run of
 * up to four letters), and about one for a real tokenizer. Mooncake's `hash_ids` name 512-token
 * blocks: the same id gives the same block text, so arrivals that share a prefix of ids share that
 * prefix of prompt (what a server's prefix cache would see); the text is seeded, never random.
 */
import { hashString, seededRandom } from '../util/random.js';

/** Tokens per Mooncake hash block. */
export const TRACE_BLOCK_TOKENS = 512;

const WORDS = (
  'the and for you with that this have from they will what when make like time just know take year good some them see ' +
  'than then now look only come over also back use two how our work well way even new want any give day most sun sea ' +
  'tree road blue red cold warm fast slow city book door hand home land life line name part plan room side town word'
).split(' ');

/** Appends `count` seeded words to `parts` (a loop: a spread of a long array overflows the stack). */
function addWords(parts: string[], count: number, seed: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(random() * WORDS.length)] as string);
}

/**
 * A prompt of `tokens` words. With `hashIds`, block k is seeded by its id (the last block cut short);
 * past the blocks, or without them, the words are seeded by `seed` (the arrival's line), so no two
 * arrivals share a prefix by accident.
 */
export function syntheticPrompt(tokens: number, seed: number, hashIds: readonly number[] = []): string {
  const parts: string[] = [];
  for (const id of hashIds) {
    if (parts.length >= tokens) break;
    addWords(parts, Math.min(TRACE_BLOCK_TOKENS, tokens - parts.length), hashString(`block ${id}`));
  }
  if (parts.length < tokens) addWords(parts, tokens - parts.length, hashString(`arrival ${seed}`));
  return parts.join(' ');
}
