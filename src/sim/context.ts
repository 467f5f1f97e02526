/**
 * The running simulator's shared state, built once per server from its resolved options: the
 * counters a test or `qfbench sim` reads, the deadline timers, v1 auth (OAuth tokens, the IAM key
 * pair), the v1 and v2 quota books, and the per-request random streams. Every handler (v1 and v2
 * chat, embeddings, tokenizer) sees this one object.
 */
import { now } from '../util/clock.js';
import { hashString, seededRandom, type Random } from '../util/random.js';
import { TokenStore, type AuthContext } from './auth.js';
import { DeadlineTimers } from './deadlines.js';
import type { ResolvedSimOptions } from './options.js';
import { QuotaBook } from './quota.js';
import { BearerTokenStore } from './v2-bearer-tokens.js';
import { V2QuotaBook } from './v2-quota.js';

export interface SimStats {
  /** Every HTTP request received. */
  httpRequests: number;
  /** POST /oauth/2.0/token. */
  tokenRequests: number;
  /** chat + completions requests, counted on arrival (before auth and validation). */
  chatRequests: number;
  byPath: Record<string, number>;
  inFlight: number;
  /** 336501/336502 answers (v1) and HTTP 429 answers (v2). */
  throttled: number;
  /** Usage totals of successfully delivered answers. */
  promptTokens: number;
  completionTokens: number;
  /** Arrival -> first text event written, ms, streaming only. A ring of at most 200000 samples. */
  firstChunkDelaysMs: number[];
  /** The delays the seeded schedule drew for the same samples (what a loaded machine cannot shift). */
  plannedFirstChunkMs: number[];
  /** v1 and v2 embeddings requests, counted on arrival, and the prompt tokens of delivered answers. */
  embeddingRequests: number;
  embeddingTokens: number;
}

export type RandomStream = 'chat' | 'embeddings';

export interface SimContext {
  readonly options: ResolvedSimOptions;
  readonly stats: SimStats;
  readonly timers: DeadlineTimers;
  /** v1 auth: OAuth access tokens and the IAM key pair bce-auth-v1 signatures are checked against. */
  readonly auth: AuthContext;
  /** The v1 per-endpoint quota book (`chat/<suffix>`, `completions/<suffix>`, `embeddings/<suffix>`). */
  readonly quotas: QuotaBook;
  /** The v2 book, per v2 model, apart from v1's (v2-quota.ts). */
  readonly v2Quotas: V2QuotaBook;
  /** v2 auth: the configured Bearer key and the IAM bearer tokens minted so far. */
  readonly bearers: BearerTokenStore;
  /**
   * The random stream of the next request: 'chat' is one arrival counter for v1 and v2 chat (so
   * both draw jitter, faults and ids in arrival order from one sequence); 'embeddings' has a
   * counter of its own, so embedding traffic never shifts which chat requests get faulted.
   */
  nextRequestRandom(stream: RandomStream): Random;
  /** Adds an arrival -> first text sample to stats.firstChunkDelaysMs (and its planned delay). */
  recordFirstChunk(delayMs: number, plannedMs: number): void;
}

const MAX_FIRST_CHUNK_SAMPLES = 200_000;

function emptyStats(): SimStats {
  return {
    httpRequests: 0,
    tokenRequests: 0,
    chatRequests: 0,
    byPath: Object.create(null) as Record<string, number>,
    inFlight: 0,
    throttled: 0,
    promptTokens: 0,
    completionTokens: 0,
    firstChunkDelaysMs: [],
    plannedFirstChunkMs: [],
    embeddingRequests: 0,
    embeddingTokens: 0,
  };
}

export function createSimContext(options: ResolvedSimOptions): SimContext {
  const stats = emptyStats();
  const quotaConfig = () => ({
    rpm: options.rpm,
    tpm: options.tpm,
    mode: options.quotaModel ?? options.quotaWindow,
    windowMs: options.windowMs,
    startedAt: now(),
  });
  const quotas = new QuotaBook(quotaConfig());
  const v2Quotas = new V2QuotaBook(quotaConfig());
  const counters: Record<RandomStream, number> = { chat: 0, embeddings: 0 };
  const streamPrefix: Record<RandomStream, string> = { chat: 'request', embeddings: 'embeddings' };
  let firstChunkSamples = 0;

  return {
    options,
    stats,
    timers: new DeadlineTimers(),
    auth: {
      tokens: new TokenStore({ ak: options.ak, sk: options.sk }, options.tokenTtlMs, options.seed),
      iam: { accessKey: options.accessKey, secretKey: options.secretKey },
    },
    quotas,
    v2Quotas,
    bearers: new BearerTokenStore(options.bearerToken, options.seed),
    // Jitter, faults and ids follow the seed and the arrival order, independently of the content.
    nextRequestRandom: (stream) => seededRandom(hashString(`${streamPrefix[stream]}:${++counters[stream]}`, hashString(String(options.seed)))),
    // Keeps the newest samples once full, overwriting the oldest, so memory stays bounded.
    recordFirstChunk: (delayMs, plannedMs) => {
      const { firstChunkDelaysMs: samples, plannedFirstChunkMs: planned } = stats;
      const slot = samples.length < MAX_FIRST_CHUNK_SAMPLES ? samples.length : firstChunkSamples % MAX_FIRST_CHUNK_SAMPLES;
      samples[slot] = delayMs;
      planned[slot] = plannedMs;
      firstChunkSamples++;
    },
  };
}
