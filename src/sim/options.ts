/**
 * Simulator options and their defaults. Every knob is optional so a test can start a simulator
 * with `startSimulator()` and tune only what it exercises.
 */
import { BUILT_IN_CATALOG, type Catalog } from '../providers/qianfan/catalog.js';

/** Faults the simulator can inject; the order here is the order the dice are rolled in. */
export const FAULT_KINDS = [
  'http500',
  'busy',
  'resetBeforeHeaders',
  'cutMidStream',
  'garbageSse',
  'midStreamError',
  'jsonInsteadOfStream',
  'stall',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export type QuotaWindowMode = 'rolling' | 'fixed';

export interface SimOptions {
  /** Port to listen on; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** Interface to bind; default '127.0.0.1' so a test never exposes the simulator. */
  host?: string;
  /** Default 1. All jitter, output text and length, faults and ids derive from it. */
  seed?: number;
  /** Accepted OAuth credentials; default 'sim-ak' / 'sim-sk'. */
  ak?: string;
  sk?: string;
  /** Accepted IAM key pair for bce-auth-v1 signed requests; default 'sim-access-key' / 'sim-secret-key'. */
  accessKey?: string;
  secretKey?: string;
  /** Accepted v2 `Authorization: Bearer` key (/v2/chat/completions, /v2/embeddings); default 'sim-bearer-token'. */
  bearerToken?: string;
  /** Lifetime of issued access tokens; default 30 days like the real service (expired -> 111). */
  tokenTtlMs?: number;
  /** Base time to first chunk, default 300 ms. */
  firstChunkMs?: number;
  /** Prefill cost added to the time to first chunk per prompt token, default 0.2 ms. */
  prefillMsPerToken?: number;
  /** Decode time per output token, default 20 ms. */
  msPerOutputToken?: number;
  /** Each delay is multiplied by 1 + jitter*(2r-1) with r seeded; default 0.1. */
  jitter?: number;
  /** Range of output lengths before max/min_output_tokens apply; default {min: 20, max: 120}. */
  outputTokens?: { min: number; max: number };
  /** Requests served at full speed; above it everything slows by inFlight/capacity. Default Infinity. */
  capacity?: number;
  /** Per-endpoint requests per window; default 0 = unlimited. */
  rpm?: number;
  /** Per-endpoint tokens (prompt + completion) per window; default 0 = unlimited. */
  tpm?: number;
  /** 'rolling' (default): each charge expires windowMs after it was made; 'fixed': counters reset on window boundaries since start. */
  quotaWindow?: QuotaWindowMode;
  /** Quota window length, default 60000 ms (tests shorten it). */
  windowMs?: number;
  /** Probability per request of each fault; default none. */
  faults?: Partial<Record<FaultKind, number>>;
  /** How long the 'stall' fault pauses mid-stream, default 30000 ms. */
  stallMs?: number;
  /** Models and their limits; default the built-in catalog. */
  catalog?: Catalog;
}

export interface ResolvedSimOptions {
  port: number;
  host: string;
  seed: number;
  ak: string;
  sk: string;
  accessKey: string;
  secretKey: string;
  bearerToken: string;
  tokenTtlMs: number;
  firstChunkMs: number;
  prefillMsPerToken: number;
  msPerOutputToken: number;
  jitter: number;
  outputTokens: { min: number; max: number };
  capacity: number;
  rpm: number;
  tpm: number;
  quotaWindow: QuotaWindowMode;
  windowMs: number;
  faults: Partial<Record<FaultKind, number>>;
  stallMs: number;
  catalog: Catalog;
}

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export function resolveOptions(options: SimOptions = {}): ResolvedSimOptions {
  const outputTokens = options.outputTokens ?? { min: 20, max: 120 };
  const resolved: ResolvedSimOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    seed: options.seed ?? 1,
    ak: options.ak ?? 'sim-ak',
    sk: options.sk ?? 'sim-sk',
    accessKey: options.accessKey ?? 'sim-access-key',
    secretKey: options.secretKey ?? 'sim-secret-key',
    bearerToken: options.bearerToken ?? 'sim-bearer-token',
    tokenTtlMs: options.tokenTtlMs ?? THIRTY_DAYS_MS,
    firstChunkMs: options.firstChunkMs ?? 300,
    prefillMsPerToken: options.prefillMsPerToken ?? 0.2,
    msPerOutputToken: options.msPerOutputToken ?? 20,
    jitter: options.jitter ?? 0.1,
    outputTokens: { min: outputTokens.min, max: outputTokens.max },
    capacity: options.capacity ?? Number.POSITIVE_INFINITY,
    rpm: options.rpm ?? 0,
    tpm: options.tpm ?? 0,
    quotaWindow: options.quotaWindow ?? 'rolling',
    windowMs: options.windowMs ?? 60_000,
    faults: { ...(options.faults ?? {}) },
    stallMs: options.stallMs ?? 30_000,
    catalog: options.catalog ?? BUILT_IN_CATALOG,
  };
  checkOptions(resolved);
  return resolved;
}

/** Nonsense options would make the simulator lie quietly, so they fail at start instead. */
function checkOptions(options: ResolvedSimOptions): void {
  const nonNegative: Array<[string, number]> = [
    ['tokenTtlMs', options.tokenTtlMs],
    ['firstChunkMs', options.firstChunkMs],
    ['prefillMsPerToken', options.prefillMsPerToken],
    ['msPerOutputToken', options.msPerOutputToken],
    ['rpm', options.rpm],
    ['tpm', options.tpm],
    ['stallMs', options.stallMs],
  ];
  for (const [name, value] of nonNegative) {
    if (!(value >= 0)) throw new RangeError(`simulator option ${name} must be >= 0, got ${value}`);
  }
  if (!(options.jitter >= 0 && options.jitter <= 1)) throw new RangeError(`simulator option jitter must be in [0, 1]`);
  if (options.bearerToken.length === 0) throw new RangeError(`simulator option bearerToken must not be empty`);
  if (options.accessKey.length === 0 || options.accessKey.includes('/')) throw new RangeError(`simulator option accessKey must be non-empty without "/"`);
  if (options.secretKey.length === 0) throw new RangeError(`simulator option secretKey must not be empty`);
  if (!(options.capacity > 0)) throw new RangeError(`simulator option capacity must be > 0`);
  if (!(options.windowMs > 0)) throw new RangeError(`simulator option windowMs must be > 0`);
  const { min, max } = options.outputTokens;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new RangeError(`simulator option outputTokens must be integers with 1 <= min <= max`);
  }
  for (const [kind, probability] of Object.entries(options.faults)) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown simulator fault '${kind}'`);
    if (!(probability !== undefined && probability >= 0 && probability <= 1)) {
      throw new RangeError(`simulator fault probability for ${kind} must be in [0, 1]`);
    }
  }
}
