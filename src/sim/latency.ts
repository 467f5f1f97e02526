/**
 * When each part of an answer leaves the server. Offsets are computed once, up front, relative to
 * the instant the request arrived; the server schedules each write at `arrival + offset` so timer
 * lateness in one write never pushes the later ones back.
 */
import type { Random } from '../util/random.js';

export interface LatencyModel {
  firstChunkMs: number;
  prefillMsPerToken: number;
  msPerOutputToken: number;
  jitter: number;
  capacity: number;
}

/** A multiplier in [1 - jitter, 1 + jitter]. */
export function jitterFactor(random: Random, jitter: number): number {
  return 1 + jitter * (2 * random() - 1);
}

/** Batch contention: above capacity, everything runs inFlight/capacity times slower. */
export function slowdownFactor(inFlight: number, capacity: number): number {
  return Math.max(1, inFlight / capacity);
}

/**
 * Offsets (ms since arrival) of each sentence's write: the first after prefill, each next one after
 * decoding its own tokens.
 */
export function planSentenceOffsets(random: Random, model: LatencyModel, promptTokens: number, sentenceTokens: readonly number[], slowdown: number): number[] {
  const offsets: number[] = [];
  let at = (model.firstChunkMs + model.prefillMsPerToken * promptTokens) * slowdown * jitterFactor(random, model.jitter);
  offsets.push(at);
  for (let i = 1; i < sentenceTokens.length; i++) {
    at += model.msPerOutputToken * (sentenceTokens[i] ?? 0) * slowdown * jitterFactor(random, model.jitter);
    offsets.push(at);
  }
  return offsets;
}

/** The decode time of `tokens` more tokens, for the extra events a fault appends. */
export function decodeDelay(random: Random, model: LatencyModel, tokens: number, slowdown: number): number {
  return model.msPerOutputToken * tokens * slowdown * jitterFactor(random, model.jitter);
}
