/**
 * Unsafe input: the platform answers `need_clear_history: true` when the user input carries a
 * safety risk, with `ban_round` naming the turn, -1 for the current one (qianfan-api.md §9). The
 * simulator judges an input unsafe when
 *   - a user message contains the marker `[[sim:unsafe]]`: the last such message is the turn at
 *     fault, -1 when it is the current (last) message, else its 0-based turn index (user message
 *     2k of `messages` is turn k);
 *   - or, at the `unsafeRate` option's rate, for the current turn. The draw is keyed by the seed and
 *     the input (system and messages), so the same conversation gets the same verdict every time,
 *     as a content check would, whatever the arrival order.
 * The answer itself is generated as usual.
 */
import { answerRandom } from './generator.js';
import type { ChatInput } from './validation.js';

export const UNSAFE_MARKER = '[[sim:unsafe]]';

/** The `ban_round` of an input judged unsafe, or undefined for a safe one. */
export function judgeInput(input: ChatInput, seed: number, unsafeRate: number): number | undefined {
  const { messages } = input;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== 'user' || !message.content.includes(UNSAFE_MARKER)) continue;
    return index === messages.length - 1 ? -1 : Math.floor(index / 2);
  }
  if (unsafeRate <= 0) return undefined;
  const draw = answerRandom(seed, `unsafe:${JSON.stringify([input.system ?? '', messages])}`)();
  return draw < unsafeRate ? -1 : undefined;
}
