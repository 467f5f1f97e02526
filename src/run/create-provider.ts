/**
 * Picks and builds the provider of a run: Qianfan v1 (OAuth, IAM signing or a token) or an
 * OpenAI-compatible server (Qianfan v2, vLLM, …) with a Bearer key; against the simulator when
 * `--sim` started one; or, with `--replay`, a recording and no network at all. Secrets are read
 * here and registered for redaction; none is returned. qfbench fetches one kind of token itself:
 * the v1 OAuth access token (bounded and stoppable, see oauth.ts); it mints no IAM Bearer token
 * (a Bearer key for --provider openai is taken as given).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dispatcher } from 'undici';
import type { RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import type { HttpTimeouts } from '../providers/http.js';
import { createOpenAIProvider } from '../providers/openai/provider.js';
import { findModel, type Catalog } from '../providers/qianfan/catalog.js';
import { credentialsHint, DEFAULT_V1_BASE_URL, qianfanAuthFromEnv } from '../providers/qianfan/credentials.js';
import type { TokenFetchOptions } from '../providers/qianfan/oauth.js';
import { createQianfanProvider, type QianfanAuth } from '../providers/qianfan/provider.js';
import { createReplayProvider } from '../providers/replay/replay-provider.js';
import type { Provider } from '../providers/types.js';
import type { RunningSimulator } from '../sim/index.js';
import { registerSecret } from '../util/redact.js';

export const QIANFAN_V2_BASE_URL = 'https://qianfan.baidubce.com/v2';

export interface RunProvider {
  provider: Provider & { preflight(): Promise<void> };
  name: 'qianfan' | 'openai';
  baseUrl: string;
  /** Which settings to check when every request is refused (names only, never values). */
  authHint: string;
}

/** Reads the credentials the provider needs; fails before anything starts when they are missing. */
export function checkCredentials(config: RunConfig, env: NodeJS.ProcessEnv): QianfanAuth | undefined {
  // A replay sends nothing, so a CI job replaying needs no secrets.
  if (config.sim || config.replay !== undefined) return undefined;
  if (config.provider === 'openai') {
    openAIKey(config, env);
    openAIBaseUrl(config, env);
    return undefined;
  }
  return qianfanAuthFromEnv(env);
}

export function createRunProvider(options: {
  config: RunConfig;
  env: NodeJS.ProcessEnv;
  auth: QianfanAuth | undefined;
  simulator: RunningSimulator | undefined;
  dispatcher: Dispatcher;
  timeouts: HttpTimeouts;
  catalog: Catalog;
  /** The run's first Ctrl-C: it stops a token fetch of the preflight (nothing else is in flight then). */
  stopSignal?: AbortSignal | undefined;
  /** The run's abort (grace over, second Ctrl-C): it stops any token fetch, a refresh mid-run too. */
  abortSignal?: AbortSignal | undefined;
}): RunProvider {
  const { config, env, simulator, dispatcher, timeouts, catalog } = options;
  if (config.replay !== undefined) {
    const provider = createReplayProvider({ dir: config.replay, provider: config.provider });
    return { provider, name: config.provider, baseUrl: pathToFileURL(resolve(config.replay)).href, authHint: 'a replay sends no request, so check the recording' };
  }
  if (config.provider === 'openai') {
    const baseUrl = simulator !== undefined ? `${simulator.url}/v2` : openAIBaseUrl(config, env);
    const apiKey = simulator !== undefined ? simulator.credentials.bearerToken : openAIKey(config, env);
    const provider = createOpenAIProvider({
      baseUrl,
      apiKey,
      dispatcher,
      timeouts,
      maxResponseBytes: config.maxResponseBytes,
      ...(config.appId !== undefined ? { appId: config.appId } : {}),
      // Qianfan v2 names models in lower case; names outside the catalog go as given.
      modelId: (model) => (findModel(catalog, model) !== undefined ? model.toLowerCase() : model),
    });
    return { provider, name: 'openai', baseUrl, authHint: 'check the API key (--api-key, QIANFAN_BEARER_TOKEN or OPENAI_API_KEY)' };
  }
  const baseUrl = simulator?.url ?? config.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL;
  const given: QianfanAuth = simulator !== undefined ? { kind: 'oauth', credentials: simulator.credentials } : (options.auth as QianfanAuth);
  const stop = tokenFetchStop(options.stopSignal, options.abortSignal);
  const auth: QianfanAuth = given.kind === 'oauth' ? { ...given, tokenFetch: tokenFetchOptions(config, timeouts, stop.signal) } : given;
  const inner = createQianfanProvider({ baseUrl, auth, dispatcher, timeouts, refreshOnExpiredToken: config.retries > 0, maxResponseBytes: config.maxResponseBytes });
  const provider = { ...inner, preflight: () => stop.duringPreflight(() => inner.preflight()) };
  return { provider, name: 'qianfan', baseUrl, authHint: credentialsHint(simulator !== undefined ? undefined : given) };
}

/** The token fetch is bounded by the run's own limits: its connect, first-byte and total timeouts, and its byte cap. */
function tokenFetchOptions(config: RunConfig, timeouts: HttpTimeouts, signal: AbortSignal): TokenFetchOptions {
  return { timeouts: { connectMs: timeouts.connectMs, firstByteMs: timeouts.firstByteMs, totalMs: timeouts.totalMs }, maxBytes: config.maxResponseBytes, signal };
}

/**
 * The signal that stops token fetches: the run's abort at any time, and its first Ctrl-C while
 * the preflight fetch runs (before any request went out there is nothing to give grace to; later,
 * requests waiting for a refreshed token keep their grace).
 */
function tokenFetchStop(stopSignal: AbortSignal | undefined, abortSignal: AbortSignal | undefined): { signal: AbortSignal; duringPreflight: (run: () => Promise<void>) => Promise<void> } {
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

function openAIKey(config: RunConfig, env: NodeJS.ProcessEnv): string {
  const key = config.apiKey ?? env.QIANFAN_BEARER_TOKEN?.trim() ?? env.OPENAI_API_KEY?.trim();
  registerSecret(key);
  if (key === undefined || key === '') {
    throw configError('--provider openai needs a key: --api-key, or QIANFAN_BEARER_TOKEN (Qianfan v2), or OPENAI_API_KEY; or use --sim');
  }
  return key;
}

function openAIBaseUrl(config: RunConfig, env: NodeJS.ProcessEnv): string {
  if (config.baseUrl !== undefined) return config.baseUrl;
  if (env.OPENAI_BASE_URL !== undefined && env.OPENAI_BASE_URL.trim() !== '') return env.OPENAI_BASE_URL.trim();
  if (config.apiKey === undefined && env.QIANFAN_BEARER_TOKEN !== undefined) return QIANFAN_V2_BASE_URL;
  throw configError('--provider openai: give --base-url (e.g. http://localhost:8000/v1), or set QIANFAN_BEARER_TOKEN to use Qianfan v2 at https://qianfan.baidubce.com/v2');
}
