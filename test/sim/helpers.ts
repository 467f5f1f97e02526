/** Small HTTP helpers for talking to a running simulator the way a real client would. */
import { request } from 'undici';
import type { RunningSimulator } from '../../src/sim/index.js';

export const CHAT_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat';
export const COMPLETIONS_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/completions';
export const TOKENIZER_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/tokenizer/erniebot';

export interface JsonAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  text: string;
  json: Record<string, unknown>;
}

export async function post(url: string, body?: unknown): Promise<JsonAnswer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Non-JSON answers (SSE, garbage) are inspected through `text`.
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    contentType: String(response.headers['content-type'] ?? ''),
    text,
    json,
  };
}

export async function getToken(sim: RunningSimulator): Promise<string> {
  const { ak, sk } = sim.credentials;
  const answer = await post(
    `${sim.url}/oauth/2.0/token?grant_type=client_credentials&client_id=${encodeURIComponent(ak)}&client_secret=${encodeURIComponent(sk)}`,
  );
  return String(answer.json.access_token);
}

export function chatUrl(sim: RunningSimulator, token: string, endpoint = 'ernie_speed', path = CHAT_PATH): string {
  return `${sim.url}${path}/${endpoint}?access_token=${encodeURIComponent(token)}`;
}

export function userMessage(content: string): { messages: Array<{ role: string; content: string }> } {
  return { messages: [{ role: 'user', content }] };
}

export interface StreamEvent {
  id: string;
  object: string;
  sentence_id: number;
  is_end: boolean;
  is_truncated: boolean;
  result: string;
  finish_reason: string;
  need_clear_history: boolean;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** Splits an SSE body into its `data:` events; other lines are returned separately. */
export function parseSse(text: string): { events: StreamEvent[]; otherLines: string[] } {
  const events: StreamEvent[] = [];
  const otherLines: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('data: ')) {
      try {
        events.push(JSON.parse(line.slice(6)) as StreamEvent);
        continue;
      } catch {
        // falls through: kept as an unparseable line
      }
    }
    otherLines.push(line);
  }
  return { events, otherLines };
}

export function header(answer: JsonAnswer, name: string): string | undefined {
  const value = answer.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StreamRead {
  status: number;
  contentType: string;
  text: string;
  /** Set when the connection broke before the body ended. */
  error?: unknown;
  /** Client-side ms from just before sending to the first body byte, and to the end. */
  firstByteMs?: number;
  totalMs: number;
}

/** Reads a response body chunk by chunk, keeping what arrived even if the connection breaks. */
export async function readStream(url: string, body: unknown): Promise<StreamRead> {
  const started = performance.now();
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const decoder = new TextDecoder();
  let text = '';
  let firstByteMs: number | undefined;
  const result = (error?: unknown): StreamRead => {
    const read: StreamRead = {
      status: response.statusCode,
      contentType: String(response.headers['content-type'] ?? ''),
      text: text + decoder.decode(),
      totalMs: performance.now() - started,
    };
    if (firstByteMs !== undefined) read.firstByteMs = firstByteMs;
    if (error !== undefined) read.error = error;
    return read;
  };
  try {
    for await (const chunk of response.body) {
      firstByteMs ??= performance.now() - started;
      text += decoder.decode(chunk as Buffer, { stream: true });
    }
  } catch (error) {
    return result(error);
  }
  return result();
}
