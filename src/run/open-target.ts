/**
 * Opens what a command talks to: the base URL, the credentials (environment, flags or the
 * simulator's), the HTTP agent, and the built-in simulator when --sim asks for one. `run`,
 * `estimate --tokenizer server` and `tokens` all open their target here, so they resolve URLs,
 * read secrets (each registered for redaction as it is read) and clean up the same way.
 * Credentials are read before anything starts, so a missing one leaves nothing to close.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Agent } from 'undici';
import type { RunConfig } from '../config/run-config.js';
import { configError } from '../errors.js';
import { createAgent, type HttpTimeouts } from '../providers/http.js';
import { DEFAULT_V1_BASE_URL, qianfanAuthFromEnv } from '../providers/qianfan/credentials.js';
import type { QianfanAuth } from '../providers/qianfan/provider.js';
import type { Catalog } from '../qianfan/spec/catalog.js';
import type { DatasetRow } from '../dataset/types.js';
import { datasetAnswerKey } from '../sim/answer-modes.js';
import { startSimulator, type RunningSimulator } from '../sim/index.js';
import type { SimOptions } from '../sim/options.js';
import { registerSecret } from '../util/redact.js';

export const QIANFAN_V2_BASE_URL = 'https://qianfan.baidubce.com/v2';

/** The dataset column (CSV) or `vars` field (JSONL) holding the simulator's answer in `answers=dataset` mode. */
export const SIM_ANSWER_FIELD = 'sim_answer';

/**
 * The settings that pick a target: the protocol, --sim, --base-url, --api-key, --replay, the
 * simulator's seed, and the custom services it serves (--endpoint with the --base-model they were published from).
 */
export type TargetSettings = Pick<RunConfig, 'provider' | 'sim'> &
  Partial<Pick<RunConfig, 'baseUrl' | 'apiKey' | 'replay' | 'seed' | 'endpoints' | 'baseModel'>>;

/** How requests to the target are authorised (secrets in here are registered for redaction). */
export type TargetAuth = { protocol: 'qianfan'; auth: QianfanAuth } | { protocol: 'openai'; apiKey: string } | { protocol: 'replay'; dir: string };

export interface OpenTargetOptions {
  env?: NodeJS.ProcessEnv;
  /** Connections the agent keeps per origin. */
  connections: number;
  timeouts: HttpTimeouts;
  /** The simulator serves this catalog (an --catalog file merged in). */
  catalog?: Catalog;
  simOptions?: SimOptions;
  /** The run's prepared rows: with `--sim-opt answers=dataset` the simulator answers each with its `sim_answer`. */
  rows?: readonly DatasetRow[];
}

export interface OpenedTarget {
  /** Qianfan v1 origin, the OpenAI-compatible base (…/v2 on the simulator), or a replay folder's file URL. */
  baseUrl: string;
  auth: TargetAuth;
  dispatcher: Agent;
  timeouts: HttpTimeouts;
  /** True when the built-in simulator answers. */
  simulated: boolean;
  /** Closes the agent, then stops the simulator if one was started. */
  close(): Promise<void>;
}

export async function openTarget(settings: TargetSettings, options: OpenTargetOptions): Promise<OpenedTarget> {
  const env = options.env ?? process.env;
  // A replay sends nothing, so it needs no credentials.
  if (!settings.sim) return withAgent(settings.replay !== undefined ? replayTarget(settings.replay) : realTarget(settings, env), undefined, options);
  const simulator = await startSimulator({
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
    ...options.simOptions,
    // The run's own services get the limits its pre-check applied (endpoint-limits.ts).
    customEndpoints: { ...declaredEndpoints(settings), ...options.simOptions?.customEndpoints },
    ...(options.simOptions?.answers === 'dataset' ? { datasetAnswers: { ...datasetAnswers(options.rows ?? []), ...options.simOptions.datasetAnswers } } : {}),
  });
  return withAgent(settings.replay !== undefined ? replayTarget(settings.replay) : simulatedTarget(settings, simulator), simulator, options);
}

/** Each --endpoint suffix -> the --base-model it was published from (none declared: the simulator serves it loosely). */
function declaredEndpoints(settings: TargetSettings): Record<string, string> {
  const base = settings.baseModel;
  if (base === undefined) return {};
  return Object.fromEntries((settings.endpoints ?? []).map((endpoint) => [endpoint, base]));
}

/** The `sim_answer` of each row (a CSV column or a JSONL `vars` field), keyed by the content the simulator will receive. */
function datasetAnswers(rows: readonly DatasetRow[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const row of rows) {
    const answer = row.vars[SIM_ANSWER_FIELD];
    if (answer !== undefined && answer !== '') answers[datasetAnswerKey(row.system, row.messages)] = answer;
  }
  return answers;
}

function withAgent(target: Resolved, simulator: RunningSimulator | undefined, options: OpenTargetOptions): OpenedTarget {
  const dispatcher = createAgent({ connections: options.connections, timeouts: options.timeouts });
  return {
    ...target,
    dispatcher,
    timeouts: options.timeouts,
    simulated: simulator !== undefined,
    close: async () => {
      await dispatcher.close().catch(() => undefined);
      await simulator?.close();
    },
  };
}

type Resolved = Pick<OpenedTarget, 'baseUrl' | 'auth'>;

/** Qianfan v1: QIANFAN_AK+SK (OAuth) > QIANFAN_ACCESS_KEY+SECRET_KEY (IAM signing) > QIANFAN_ACCESS_TOKEN; OpenAI-compatible: a Bearer key. */
function realTarget(settings: TargetSettings, env: NodeJS.ProcessEnv): Resolved {
  if (settings.provider === 'openai') {
    const apiKey = openAIKey(settings, env);
    return { baseUrl: openAIBaseUrl(settings, env), auth: { protocol: 'openai', apiKey } };
  }
  const auth = qianfanAuthFromEnv(env);
  return { baseUrl: settings.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL, auth: { protocol: 'qianfan', auth } };
}

function replayTarget(dir: string): Resolved {
  return { baseUrl: pathToFileURL(resolve(dir)).href, auth: { protocol: 'replay', dir } };
}

function simulatedTarget(settings: TargetSettings, simulator: RunningSimulator): Resolved {
  if (settings.provider === 'openai') return { baseUrl: `${simulator.url}/v2`, auth: { protocol: 'openai', apiKey: simulator.credentials.bearerToken } };
  return { baseUrl: simulator.url, auth: { protocol: 'qianfan', auth: { kind: 'oauth', credentials: simulator.credentials } } };
}

function openAIKey(settings: TargetSettings, env: NodeJS.ProcessEnv): string {
  const key = settings.apiKey ?? env.QIANFAN_BEARER_TOKEN?.trim() ?? env.OPENAI_API_KEY?.trim();
  registerSecret(key);
  if (key === undefined || key === '') {
    throw configError('--provider openai needs a key: --api-key, or QIANFAN_BEARER_TOKEN (Qianfan v2), or OPENAI_API_KEY; or use --sim');
  }
  return key;
}

function openAIBaseUrl(settings: TargetSettings, env: NodeJS.ProcessEnv): string {
  if (settings.baseUrl !== undefined) return settings.baseUrl;
  if (env.OPENAI_BASE_URL !== undefined && env.OPENAI_BASE_URL.trim() !== '') return env.OPENAI_BASE_URL.trim();
  if (settings.apiKey === undefined && env.QIANFAN_BEARER_TOKEN !== undefined) return QIANFAN_V2_BASE_URL;
  throw configError(
    '--provider openai: give --base-url (e.g. http://localhost:8000/v1), or set QIANFAN_BEARER_TOKEN to use Qianfan v2 at https://qianfan.baidubce.com/v2',
  );
}
