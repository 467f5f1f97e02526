/**
 * Picks and builds the provider of a run: Qianfan v1 (OAuth, IAM signing or a token) or an
 * OpenAI-compatible server (Qianfan v2, vLLM, …) with a Bearer key; against the simulator when
 * `--sim` started one; or, with `--replay`, a recording and no network at all. Secrets are read
 * here and registered for redaction; none is returned.
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
      ...(config.appId !== undefined ? { appId: config.appId } : {}),
      // Qianfan v2 names models in lower case; names outside the catalog go as given.
      modelId: (model) => (findModel(catalog, model) !== undefined ? model.toLowerCase() : model),
    });
    return { provider, name: 'openai', baseUrl, authHint: 'check the API key (--api-key, QIANFAN_BEARER_TOKEN or OPENAI_API_KEY)' };
  }
  const baseUrl = simulator?.url ?? config.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL;
  const auth: QianfanAuth = simulator !== undefined ? { kind: 'oauth', credentials: simulator.credentials } : (options.auth as QianfanAuth);
  const provider = createQianfanProvider({ baseUrl, auth, dispatcher, timeouts, refreshOnExpiredToken: config.retries > 0 });
  return { provider, name: 'qianfan', baseUrl, authHint: credentialsHint(simulator !== undefined ? undefined : auth) };
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
