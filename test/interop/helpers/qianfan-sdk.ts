/**
 * The official JS SDK `@baiducloud/qianfan`, typed and pointed at a simulator.
 *
 * Its .d.ts files import their siblings without extensions, which NodeNext resolution cannot
 * follow, so TypeScript sees every export as untyped; the interfaces below state the part of the
 * API the interop tests use, as read from node_modules/@baiducloud/qianfan/src (0.2.x).
 *
 * How the SDK is redirected (src/Base/index.ts, src/utils.ts): constructor options, else
 * process.env (after dotenv loads ./.env), else the hard-coded platform hosts. QIANFAN_BASE_URL
 * carries OAuth and every v1 call, QIANFAN_CONSOLE_API_BASE_URL the console model list the IAM
 * path asks for first, QIANFAN_V2_BASE_URL the whole v2 chat URL. The IAM bearer-token URL
 * (QIANFAN_BEAR_TOKEN_URL) is read from process.env only.
 */
import * as qianfan from '@baiducloud/qianfan';
import type { RunningSimulator } from '../../../src/sim/index.js';

export interface SdkOptions {
  QIANFAN_AK?: string;
  QIANFAN_SK?: string;
  QIANFAN_ACCESS_KEY?: string;
  QIANFAN_SECRET_KEY?: string;
  QIANFAN_BEARER_TOKEN?: string;
  QIANFAN_BASE_URL?: string;
  QIANFAN_CONSOLE_API_BASE_URL?: string;
  QIANFAN_V2_BASE_URL?: string;
  /** Milliseconds until the SDK aborts a request that has not answered (headers only, not a stream's body). */
  QIANFAN_LLM_API_RETRY_TIMEOUT?: string;
  QIANFAN_LLM_API_RETRY_BACKOFF_FACTOR?: string;
  QIANFAN_LLM_API_RETRY_COUNT?: string;
  /** Required by the SDK's constructor type; only matters in browsers. */
  ENABLE_OAUTH: boolean;
  /** A service's own endpoint suffix: `…/{chat|completions|embeddings}/{Endpoint}`. */
  Endpoint?: string;
  version?: 'v2';
  appid?: string;
}

export interface SdkMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface SdkChatBody {
  messages: SdkMessage[];
  stream?: boolean;
  [parameter: string]: unknown;
}

/** What each call resolves to is checked by the tests (sdk-shapes.ts), so it stays unknown here. */
export interface SdkChatClient {
  chat(body: SdkChatBody, model?: string): Promise<unknown>;
}

export interface SdkCompletionsClient {
  completions(body: { prompt: string; stream?: boolean }, model?: string): Promise<unknown>;
}

export interface SdkEmbeddingClient {
  embedding(body: { input: string[] }, model?: string): Promise<unknown>;
}

type SdkClass<Client> = new (options?: SdkOptions) => Client;

export const ChatCompletion: SdkClass<SdkChatClient> = qianfan.ChatCompletion;
export const Completions: SdkClass<SdkCompletionsClient> = qianfan.Completions;
export const Embedding: SdkClass<SdkEmbeddingClient> = qianfan.Embedding;
export const getBearToken: (props?: { ak?: string; sk?: string; expireInSeconds?: number }) => Promise<unknown> = qianfan.getBearToken;
export const setEnvVariable: (key: string, value: string) => void = qianfan.setEnvVariable;

export type SdkAuth = 'oauth' | 'iam' | 'bearer';

/** A bounded request: the SDK's own default waits 600 s and retries once. */
const BOUNDED: Pick<SdkOptions, 'QIANFAN_LLM_API_RETRY_TIMEOUT' | 'QIANFAN_LLM_API_RETRY_BACKOFF_FACTOR' | 'QIANFAN_LLM_API_RETRY_COUNT'> = {
  QIANFAN_LLM_API_RETRY_TIMEOUT: '10000',
  QIANFAN_LLM_API_RETRY_BACKOFF_FACTOR: '0',
  QIANFAN_LLM_API_RETRY_COUNT: '1',
};

/**
 * Options that send everything to `sim` with one kind of credentials. The other kinds are set
 * empty on purpose: the SDK falls back to process.env for any option left out, and an AK/SK pair
 * from the environment would silently win over IAM keys (sendRequest signs, then overwrites).
 */
export function sdkOptions(sim: RunningSimulator, auth: SdkAuth, extra: Partial<SdkOptions> = {}): SdkOptions {
  const { ak, sk, accessKey, secretKey, bearerToken } = sim.credentials;
  return {
    ENABLE_OAUTH: false,
    QIANFAN_BASE_URL: sim.url,
    QIANFAN_CONSOLE_API_BASE_URL: sim.url,
    QIANFAN_V2_BASE_URL: `${sim.url}/v2/chat/completions`,
    QIANFAN_AK: auth === 'oauth' ? ak : '',
    QIANFAN_SK: auth === 'oauth' ? sk : '',
    QIANFAN_ACCESS_KEY: auth === 'iam' ? accessKey : '',
    QIANFAN_SECRET_KEY: auth === 'iam' ? secretKey : '',
    QIANFAN_BEARER_TOKEN: auth === 'bearer' ? bearerToken : '',
    ...BOUNDED,
    ...extra,
  };
}

/** Every variable the SDK reads from process.env (src/constant.ts DEFAULT_CONFIG). */
const SDK_ENV_NAMES = [
  'QIANFAN_AK',
  'QIANFAN_SK',
  'QIANFAN_ACCESS_KEY',
  'QIANFAN_SECRET_KEY',
  'QIANFAN_BEARER_TOKEN',
  'QIANFAN_BASE_URL',
  'QIANFAN_CONSOLE_API_BASE_URL',
  'QIANFAN_BEAR_TOKEN_URL',
  'QIANFAN_V2_BASE_URL',
  'QIANFAN_LLM_API_RETRY_TIMEOUT',
  'QIANFAN_LLM_API_RETRY_BACKOFF_FACTOR',
  'QIANFAN_LLM_RETRY_MAX_WAIT_INTERVAL',
  'QIANFAN_LLM_API_RETRY_COUNT',
  'QIANFAN_QPS_LIMIT',
  'QIANFAN_RPM_LIMIT',
  'QIANFAN_TPM_LIMIT',
  'APP_ID',
  'version',
  'ENABLE_OAUTH',
] as const;

/**
 * Clears the SDK's variables from process.env (so a developer's real keys or limits cannot take
 * part), then sets `values`; the returned function puts everything back as it was.
 */
export function replaceSdkEnvironment(values: Partial<Record<(typeof SDK_ENV_NAMES)[number], string>>): () => void {
  const saved = new Map<string, string | undefined>(SDK_ENV_NAMES.map((name) => [name, process.env[name]]));
  for (const name of SDK_ENV_NAMES) delete process.env[name];
  for (const [name, value] of Object.entries(values)) process.env[name] = value;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** The IAM bearer-token URL of `sim`, which the SDK only takes from the environment. */
export function bearerTokenUrl(sim: RunningSimulator): string {
  return `${sim.url}/v1/BCE-BEARER/token`;
}
