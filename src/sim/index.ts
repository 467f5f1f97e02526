/**
 * The built-in Qianfan v1 simulator: a local node:http server that speaks the v1 protocol (OAuth
 * tokens, chat/completions with SSE streaming, tokenizer, quotas, faults) for tests, `--sim` runs
 * and benchmarks.
 */
export { startSimulator, type RunningSimulator, type SimStats } from './server.js';
export { FAULT_KINDS, type FaultKind, type QuotaWindowMode, type ResolvedSimOptions, type SimOptions } from './options.js';
export { countSimTokens } from './tokenizer.js';
