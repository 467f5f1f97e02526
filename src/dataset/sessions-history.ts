/**
 * The history a session turn is sent with, under the v1 rules (qianfan-api.md §3, §9): an odd
 * count of messages, roles user, assistant, …, user, no empty content, and `system` plus every
 * content within the model's character and token budgets. Built from whole turn pairs (a user
 * turn and the model's real answer to it), so the shape holds by construction; the budgets are
 * met by dropping the oldest pairs (trim) or refused (stop).
 */
import { estimateTokens } from '../qianfan/spec/token-estimate.js';
import type { ChatMessage } from './types.js';

/** One earlier exchange: what the user said and what the model really answered. */
export interface TurnPair {
  user: string;
  assistant: string;
}

/** The input budgets of a model: `system` plus every message content; null where none is known. */
export interface HistoryLimits {
  maxInputChars: number | null;
  maxInputTokens: number | null;
}

export const NO_LIMITS: HistoryLimits = { maxInputChars: null, maxInputTokens: null };

/**
 * The history budget of a target with no known limits (an OpenAI-compatible server, a service of
 * your own): without one, a server that answers megabytes per turn grows every later request
 * without bound, until the text is past what the process can hold.
 */
export const DEFAULT_HISTORY_CHARS = 1_000_000;

/** `trim`: drop the oldest pairs until the input fits; `stop`: end the session at the turn that does not fit. */
export type HistoryOverflow = 'trim' | 'stop';

export type TurnMessages =
  | {
      ok: true;
      messages: ChatMessage[];
      /** Oldest pairs left out so the input fits (0 when all of them fit). */
      trimmedPairs: number;
      /** Code points of `system` plus every content sent. */
      chars: number;
    }
  | { ok: false; reason: string };

/** Code points, as the server counts characters. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function flatten(pairs: readonly TurnPair[], userTurn: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const pair of pairs) messages.push({ role: 'user', content: pair.user }, { role: 'assistant', content: pair.assistant });
  messages.push({ role: 'user', content: userTurn });
  return messages;
}

interface InputSize {
  chars: number;
  tokens: number;
}

/** `tokens` only when there is a token budget: joining the text costs a copy of it all. */
function measure(messages: readonly ChatMessage[], system: string | undefined, withTokens: boolean): InputSize {
  const pieces = [...(system !== undefined && system !== '' ? [system] : []), ...messages.map((message) => message.content)];
  return { chars: pieces.reduce((sum, piece) => sum + codePoints(piece), 0), tokens: withTokens ? estimateTokens(pieces.join('\n')) : 0 };
}

/** Why an input of this size is over the budgets, or undefined when it fits. */
function overBudget(size: InputSize, limits: HistoryLimits): string | undefined {
  if (limits.maxInputTokens === null && limits.maxInputChars === null) {
    if (size.chars > DEFAULT_HISTORY_CHARS)
      return `${size.chars} characters, over the default limit of ${DEFAULT_HISTORY_CHARS} for a target without catalog limits`;
    return undefined;
  }
  if (limits.maxInputChars !== null && size.chars > limits.maxInputChars) return `${size.chars} characters, over the limit of ${limits.maxInputChars}`;
  if (limits.maxInputTokens !== null && size.tokens > limits.maxInputTokens) {
    return `about ${size.tokens} tokens (local estimate), over the limit of ${limits.maxInputTokens}`;
  }
  return undefined;
}

/**
 * The messages of the next turn: the earlier pairs, then `userTurn`. When they do not fit, `trim`
 * leaves out the oldest pairs (the turn alone is sent even if it is over: the check before sending
 * has judged each turn alone, and the server's answer says the rest); `stop` gives the reason instead.
 */
export function turnMessages(
  pairs: readonly TurnPair[],
  userTurn: string,
  system: string | undefined,
  limits: HistoryLimits,
  overflow: HistoryOverflow,
): TurnMessages {
  for (let start = 0; ; start++) {
    const messages = flatten(pairs.slice(start), userTurn);
    const size = measure(messages, system, limits.maxInputTokens !== null);
    const over = overBudget(size, limits);
    if (over === undefined || start === pairs.length) return { ok: true, messages, trimmedPairs: start, chars: size.chars };
    if (overflow === 'stop') {
      return { ok: false, reason: `the history of ${pairs.length} earlier turns and this one is ${over} (--session-overflow stop ends the session here)` };
    }
  }
}

/** What is wrong with a conversation's shape under v1's rules, or undefined when it is sound. */
export function v1ShapeProblem(messages: readonly ChatMessage[]): string | undefined {
  if (messages.length === 0) return 'no messages';
  if (messages.length % 2 === 0) return `${messages.length} messages: v1 needs an odd count`;
  for (const [index, message] of messages.entries()) {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) return `messages[${index}] is ${message.role}: v1 needs ${expected} there`;
    if (message.content === '') return `messages[${index}] is empty: v1 refuses an empty content`;
  }
  return undefined;
}
