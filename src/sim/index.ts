/**
 * The built-in Qianfan simulator: a local node:http server that speaks the v1 protocol (OAuth
 * tokens, chat/completions with SSE streaming, tokenizer, embeddings, quotas, faults) and the v2
 * OpenAI-compatible one (/v2/chat/completions, /v2/embeddings with Bearer auth) for tests, `--sim`
 * runs and benchmarks.
 */
export { startSimulator, type RunningSimulator } from './server.js';
export type { SimStats } from './context.js';
export { FAULT_KINDS, type FaultKind, type QuotaWindowMode, type ResolvedSimOptions, type SimOptions } from './options.js';
export { countSimTokens } from './tokenizer.js';
export { EMBEDDING_DIMENSIONS, embeddingVector } from './embeddings.js';
export { splitTokenQuota } from './v2-quota.js';
