/**
 * Builds the provider of a run for the target openTarget opened: Qianfan v1 (OAuth, IAM signing or
 * a token) or an OpenAI-compatible server (Qianfan v2, vLLM, …) with a Bearer key, the simulator
 * when `--sim` started one, or, with `--replay`, a recording and no network at all. qfbench
 * fetches one kind of token itself: the v1 OAuth access token (bounded and stoppable, see
 * oauth.ts); it mints no IAM Bearer token (a Bearer key for --provider openai is taken as given).
 */
import type { RunConfig } from '../config/run-config.js';
import type { HttpTimeouts } from '../providers/http.js';
import { createOpenAIProvider } from '../providers/openai/provider.js';
import { credentialsHint } from '../providers/qianfan/credentials.js';
import type { TokenFetchOptions } from '../providers/qianfan/oauth.js';
import { createQianfanProvider, type QianfanAuth } from '../providers/qianfan/provider.js';
import { createReplayProvider } from '../providers/replay/replay-provider.js';
import type { Provider } from '../providers/types.js';
import { findModel, type Catalog } from '../qianfan/spec/catalog.js';
import type { OpenedTarget } from './open-target.js';

export interface RunProvider {
  provider: Provider & { preflight(): Promise<void> };
  name: 'qianfan' | 'openai';
  baseUrl: string;
  /** Which settings to check when every request is refused (names only, never values). */
  authHint: string;
}

export function createRunProvider(options: {
  config: RunConfig;
  /** Where requests go and with which credentials (openTarget). */
  target: OpenedTarget;
  catalog: Catalog;
  /** The run's first Ctrl-C: it stops a token fetch of the preflight (nothing else is in flight then). */
  stopSignal?: AbortSignal | undefined;
  /** The run's abort (grace over, second Ctrl-C): it stops any token fetch, a refresh mid-run too. */
  abortSignal?: AbortSignal | undefined;
}): RunProvider {
  const { config, target, catalog } = options;
  const { baseUrl, dispatcher, timeouts } = target;
  if (target.auth.protocol === 'replay') {
    const provider = createReplayProvider({ dir: target.auth.dir, provider: config.provider });
    return { provider, name: config.provider, baseUrl, authHint: 'a replay sends no request, so check the recording' };
  }
  if (target.auth.protocol === 'openai') {
    const provider = createOpenAIProvider({
      baseUrl,
      apiKey: target.auth.apiKey,
      dispatcher,
      timeouts,
      maxResponseBytes: config.maxResponseBytes,
      ...(config.appId !== undefined ? { appId: config.appId } : {}),
      // Qianfan v2 names models in lower case; names outside the catalog go as given.
      modelId: (model) => (findModel(catalog, model) !== undefined ? model.toLowerCase() : model),
    });
    return { provider, name: 'openai', baseUrl, authHint: 'check the API key (--api-key, QIANFAN_BEARER_TOKEN or OPENAI_API_KEY)' };
  }
  const given = target.auth.auth;
  const stop = tokenFetchStop(options.stopSignal, options.abortSignal);
  const auth: QianfanAuth = given.kind === 'oauth' ? { ...given, tokenFetch: tokenFetchOptions(config, timeouts, stop.signal) } : given;
  const inner = createQianfanProvider({
    baseUrl,
    auth,
    dispatcher,
    timeouts,
    refreshOnExpiredToken: config.retries > 0,
    maxResponseBytes: config.maxResponseBytes,
  });
  const provider = { ...inner, preflight: () => stop.duringPreflight(() => inner.preflight()) };
  return { provider, name: 'qianfan', baseUrl, authHint: credentialsHint(target.simulated ? undefined : given) };
}

/** The token fetch is bounded by the run's own limits: its connect, first-byte and total timeouts, and its byte cap. */
function tokenFetchOptions(config: RunConfig, timeouts: HttpTimeouts, signal: AbortSignal): TokenFetchOptions {
  return {
    timeouts: { connectMs: timeouts.connectMs, firstByteMs: timeouts.firstByteMs, totalMs: timeouts.totalMs },
    maxBytes: config.maxResponseBytes,
    signal,
  };
}

/**
 * The signal that stops token fetches: the run's abort at any time, and its first Ctrl-C while
 * the preflight fetch runs (before any request went out there is nothing to give grace to; later,
 * requests waiting for a refreshed token keep their grace).
 */
function tokenFetchStop(
  stopSignal: AbortSignal | undefined,
  abortSignal: AbortSignal | undefined,
): { signal: AbortSignal; duringPreflight: (run: () => Promise<void>) => Promise<void> } {
  const controller = new AbortController();
  let preflighting = false;
  abortSignal?.addEventListener('abort', () => controller.abort(), { once: true });
  stopSignal?.addEventListener(
    'abort',
    () => {
      if (preflighting) controller.abort();
    },
    { once: true },
  );
  if (abortSignal?.aborted === true) controller.abort();
  return {
    signal: controller.signal,
    duringPreflight: async (run) => {
      preflighting = true;
      if (stopSignal?.aborted === true) controller.abort();
      try {
        await run();
      } finally {
        preflighting = false;
      }
    },
  };
}
