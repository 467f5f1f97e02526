/**
 * Request validation with the real service's codes and texts, in its order: JSON (336002), message
 * shape (336006: odd count, roles user/assistant alternating, no blank content), parameters
 * (336003), characters (336007), tokens (336103). Clients classify these as non-retryable, so a
 * wrong code here would teach them the wrong lesson.
 */
import { countCodePoints, countSimTokens } from './tokenizer.js';
import { v1Error, type V1Error } from './responses.js';

/** What the simulator enforces for one endpoint: a catalog entry or a custom service's limits (endpoint-limits.ts). */
export interface ModelLimits {
  maxInputChars: number | null;
  maxInputTokens: number | null;
  /** Dynamic input/output (SFT services): input plus max_output_tokens (or the default cap) within this; 336103 past it. */
  maxTotalTokens?: number;
  maxOutputTokens: number;
  defaultMaxOutputTokens: number;
  /** Optional fields the service accepts; `top_k` is checked (a positive integer) only where it is accepted. */
  params?: readonly string[];
}

/**
 * What an endpoint suffix nobody declared (a custom service the catalog does not know, and no
 * `customEndpoints` entry names its base) is allowed. Such a service may be an SFT-published
 * ERNIE Speed/Lite/Tiny/Character model whose dynamic output reaches 7K (seed 002), so the
 * simulator allows that; a declared one gets its base's limits (endpoint-limits.ts).
 */
export const CUSTOM_ENDPOINT_LIMITS: ModelLimits = {
  maxInputChars: 4800,
  maxInputTokens: null,
  maxOutputTokens: 7168,
  defaultMaxOutputTokens: 1024,
};

export interface SimMessage {
  role: string;
  content: string;
}

/** The parameters that shape the answer (others are accepted and ignored, like the real server). */
export interface SimParams {
  temperature?: number;
  top_p?: number;
  penalty_score?: number;
  max_output_tokens?: number;
  min_output_tokens?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  stop?: string[];
  top_k?: number;
}

export interface ChatInput {
  messages: SimMessage[];
  system?: string;
  stream: boolean;
  params: SimParams;
  promptTokens: number;
}

export type ValidationResult = { ok: true; input: ChatInput } | { ok: false; error: V1Error };

type Body = Record<string, unknown>;

interface NumberRule {
  field: keyof SimParams;
  low: number;
  high: number;
  lowOpen?: boolean;
  integer?: boolean;
}

function describeRange(rule: NumberRule): string {
  return `${rule.lowOpen ? '(' : '['}${rule.low}, ${rule.high}]`;
}

export function validateChatBody(raw: string, api: 'chat' | 'completions', limits: ModelLimits): ValidationResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, error: v1Error(336002, 'Invalid JSON') };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: v1Error(336002, 'Invalid JSON') };
  }
  const body = parsed as Body;

  const messages = api === 'chat' ? checkMessages(body.messages) : checkPrompt(body.prompt);
  if (!Array.isArray(messages)) return { ok: false, error: messages };

  const rest = checkParams(body, limits);
  if ('error_code' in rest) return { ok: false, error: rest };
  const { params, system, stream } = rest;

  let chars = system === undefined ? 0 : countCodePoints(system);
  let promptTokens = system === undefined ? 0 : countSimTokens(system);
  for (const message of messages) {
    chars += countCodePoints(message.content);
    promptTokens += countSimTokens(message.content);
  }
  if (limits.maxInputChars !== null && chars > limits.maxInputChars) {
    return { ok: false, error: v1Error(336007, `the max length of current question is ${limits.maxInputChars}`) };
  }
  if (limits.maxInputTokens !== null && promptTokens > limits.maxInputTokens) {
    return { ok: false, error: v1Error(336103, 'Prompt tokens too long') };
  }
  // Any split of input and output within the total (qianfan-api.md §9, dynamic input/output); unset, the output side is the default cap.
  if (limits.maxTotalTokens !== undefined && promptTokens + (params.max_output_tokens ?? limits.defaultMaxOutputTokens) > limits.maxTotalTokens) {
    return { ok: false, error: v1Error(336103, 'Prompt tokens too long') };
  }
  const input: ChatInput = { messages, stream, params, promptTokens };
  if (system !== undefined) input.system = system;
  return { ok: true, input };
}

function checkMessages(value: unknown): SimMessage[] | V1Error {
  if (!Array.isArray(value) || value.length === 0) return v1Error(336006, 'the messages must not be empty');
  if (value.length % 2 === 0) return v1Error(336006, 'the length of messages must be an odd number');
  const messages: SimMessage[] = [];
  for (let index = 0; index < value.length; index++) {
    const message: unknown = value[index];
    const role = message !== null && typeof message === 'object' ? (message as Body).role : undefined;
    const content = message !== null && typeof message === 'object' ? (message as Body).content : undefined;
    // Roles strictly user, assistant, user, ... (qianfan-api.md §9): `function` turns are refused too.
    if (index % 2 === 0 && role !== 'user') {
      return v1Error(336006, 'the role of message with even index in the messages must be user');
    }
    if (index % 2 === 1 && role !== 'assistant') {
      return v1Error(336006, 'the role of message with odd index in the messages must be assistant');
    }
    if (typeof content !== 'string' || isBlank(content)) {
      return v1Error(336006, 'the content of message must not be empty');
    }
    messages.push({ role: role as string, content });
  }
  return messages;
}

/** The completions API takes one prompt; it is served as a single user message. */
function checkPrompt(value: unknown): SimMessage[] | V1Error {
  if (value !== undefined && typeof value !== 'string') return v1Error(336003, 'prompt must be a string');
  if (value === undefined || isBlank(value)) return v1Error(336006, 'the content of message must not be empty');
  return [{ role: 'user', content: value }];
}

/** Empty or only whitespace (any Unicode space, the ideographic one included): nothing to answer. */
function isBlank(text: string): boolean {
  return text.trim() === '';
}

const NUMBER_RULES: NumberRule[] = [
  { field: 'temperature', low: 0, high: 1, lowOpen: true },
  { field: 'top_p', low: 0, high: 1 },
  { field: 'penalty_score', low: 1, high: 2 },
  { field: 'frequency_penalty', low: -2, high: 2 },
  { field: 'presence_penalty', low: -2, high: 2 },
];

const MAX_STOP_WORDS = 4;
const MAX_STOP_WORD_CHARS = 20;

function checkParams(body: Body, limits: ModelLimits): { params: SimParams; system?: string; stream: boolean } | V1Error {
  const params: SimParams = {};
  const outputRules: NumberRule[] = [
    { field: 'max_output_tokens', low: 2, high: limits.maxOutputTokens, integer: true },
    { field: 'min_output_tokens', low: 2, high: limits.maxOutputTokens, integer: true },
  ];
  for (const rule of [...NUMBER_RULES, ...outputRules]) {
    const value = body[rule.field];
    if (value === undefined || value === null) continue;
    const range = describeRange(rule);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return v1Error(336003, `${rule.field} must be a number in ${range}`);
    }
    if (rule.integer && !Number.isInteger(value)) return v1Error(336003, `${rule.field} must be an integer in ${range}`);
    const tooLow = rule.lowOpen ? value <= rule.low : value < rule.low;
    if (tooLow || value > rule.high) return v1Error(336003, `${rule.field} must be in ${range}, got ${value}`);
    (params as Record<string, number>)[rule.field] = value;
  }
  if (params.max_output_tokens !== undefined && params.min_output_tokens !== undefined && params.min_output_tokens > params.max_output_tokens) {
    return v1Error(336003, 'min_output_tokens must not be greater than max_output_tokens');
  }

  // top_k: a positive integer where the service takes it (the Dolly-12B page, qianfan-api.md §9); elsewhere ignored.
  const topK = body.top_k;
  if (topK !== undefined && topK !== null && limits.params?.includes('top_k') === true) {
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) return v1Error(336003, 'top_k must be a positive integer');
    params.top_k = topK;
  }

  const stop = body.stop;
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || !stop.every((word): word is string => typeof word === 'string')) {
      return v1Error(336003, 'stop must be an array of strings');
    }
    if (stop.length > MAX_STOP_WORDS) return v1Error(336003, `stop must have at most ${MAX_STOP_WORDS} elements`);
    if (stop.some((word) => word.length > MAX_STOP_WORD_CHARS)) {
      return v1Error(336003, `each element of stop must be at most ${MAX_STOP_WORD_CHARS} characters`);
    }
    params.stop = stop;
  }

  const system = body.system;
  if (system !== undefined && system !== null && typeof system !== 'string') return v1Error(336003, 'system must be a string');
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return v1Error(336003, 'stream must be a boolean');

  const result: { params: SimParams; system?: string; stream: boolean } = { params, stream: stream === true };
  if (typeof system === 'string' && system.length > 0) result.system = system;
  return result;
}

/**
 * What makes two requests "the same" for the answer: everything but `stream`, ignored fields and
 * `stop` (a stop string cuts the answer the same request gets without it; stop-strings.ts).
 */
export function answerKey(endpointKey: string, input: ChatInput): string {
  const { stop: _stop, ...shaping } = input.params;
  return JSON.stringify([endpointKey, input.system ?? '', input.messages, shaping]);
}

/** The last user turn: where the answer's language and any [[sim:…]] directive are read from. */
export function lastUserContent(input: ChatInput): string {
  for (let i = input.messages.length - 1; i >= 0; i--) {
    const message = input.messages[i];
    if (message && message.role === 'user') return message.content;
  }
  return '';
}
