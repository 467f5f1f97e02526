/**
 * The simulator's HTTP front: routing, the per-request pipeline (auth -> validation -> directive ->
 * quota -> fault -> answer) and the live counters. Everything protocol-shaped lives in the modules
 * it calls; this file only decides what happens in which order.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findModelByEndpoint } from '../providers/qianfan/catalog.js';
import { now } from '../util/clock.js';
import { hashString, seededRandom } from '../util/random.js';
import { deliverAnswer, sendJson, v1Framing, type AnswerPlan } from './answer.js';
import { answerTokenRequest, authenticate, TokenStore, type AuthContext } from './auth.js';
import { DeadlineTimers, type Cancel } from './deadlines.js';
import { parseDirective, rollFault } from './faults.js';
import { composeAnswer } from './compose-answer.js';
import { resolveOptions, type ResolvedSimOptions, type SimOptions } from './options.js';
import { QuotaBook } from './quota.js';
import { responseId, tokenizerBody, unixSeconds, v1Error, type V1Error } from './responses.js';
import { countSimTokens } from './tokenizer.js';
import { serveV1Embeddings, serveV2Embeddings, V1_EMBEDDINGS_PATH, V2_EMBEDDINGS_PATH } from './embeddings.js';
import { serveV2Chat, V2_CHAT_PATH } from './v2-chat.js';
import type { SimContext } from './v2-context.js';
import { V2QuotaBook } from './v2-quota.js';
import { CUSTOM_ENDPOINT_LIMITS, lastUserContent, validateChatBody } from './validation.js';

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

export interface RunningSimulator {
  url: string;
  port: number;
  /** OAuth API key pair (ak/sk), IAM key pair for bce-auth-v1 signing (accessKey/secretKey), v2 Bearer key. */
  credentials: { ak: string; sk: string; accessKey: string; secretKey: string; bearerToken: string };
  options: Readonly<ResolvedSimOptions>;
  stats: SimStats;
  /** Every token issued so far answers 111 from now on. */
  expireTokens(): void;
  /** Stops listening, destroys open sockets and clears pending timers. */
  close(): Promise<void>;
}

const MAX_FIRST_CHUNK_SAMPLES = 200_000;
const API_PREFIX = '/rpc/2.0/ai_custom/v1/wenxinworkshop';
const CHAT_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/(chat|completions)\/([^/]+)\/?$/;
const TOKENIZER_PATH = `${API_PREFIX}/tokenizer/erniebot`;
const LISTEN_BACKLOG = 4096;

interface SimState {
  options: ResolvedSimOptions;
  stats: SimStats;
  auth: AuthContext;
  quotas: QuotaBook;
  timers: DeadlineTimers;
  requestCounter: number;
  firstChunkSamples: number;
}

export async function startSimulator(userOptions: SimOptions = {}): Promise<RunningSimulator> {
  const options = resolveOptions(userOptions);
  const state: SimState = {
    options,
    stats: {
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
    },
    auth: {
      tokens: new TokenStore({ ak: options.ak, sk: options.sk }, options.tokenTtlMs, options.seed),
      iam: { accessKey: options.accessKey, secretKey: options.secretKey },
    },
    quotas: new QuotaBook({
      rpm: options.rpm,
      tpm: options.tpm,
      mode: options.quotaModel ?? options.quotaWindow,
      windowMs: options.windowMs,
      startedAt: now(),
    }),
    timers: new DeadlineTimers(),
    requestCounter: 0,
    firstChunkSamples: 0,
  };

  const context = simContext(state);
  const server = createServer({ noDelay: true }, (req, res) => {
    route(state, context, req, res).catch((error: unknown) => {
      // A bug must not take the simulator down mid-benchmark; answer like the real service would.
      if (!res.headersSent && !res.destroyed) sendJson(res, v1Error(336000, 'Internal error'), {}, 500);
      else res.destroy();
      process.emitWarning(`qfbench simulator: ${String(error)}`);
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, LISTEN_BACKLOG, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    credentials: { ak: options.ak, sk: options.sk, accessKey: options.accessKey, secretKey: options.secretKey, bearerToken: options.bearerToken },
    options,
    stats: state.stats,
    expireTokens: () => state.auth.tokens.expireAll(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        state.timers.clearAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function route(state: SimState, context: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrival = now();
  const { stats } = state;
  stats.httpRequests++;
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  req.socket.setNoDelay(true);

  if (path === '/oauth/2.0/token' && (req.method === 'POST' || req.method === 'GET')) {
    stats.tokenRequests++;
    await readBody(req);
    const answer = answerTokenRequest(state.auth.tokens, url);
    sendJson(res, answer.body, {}, answer.status);
    return;
  }
  const chat = CHAT_PATH.exec(path);
  if (chat && req.method === 'POST') {
    await serveChat(state, req, res, url, chat[1] === 'chat' ? 'chat' : 'completions', chat[2] ?? '', arrival);
    return;
  }
  // v2 (OpenAI-compatible) chat and embeddings, v1 embeddings: v2-chat.ts, embeddings.ts.
  if (path === V2_CHAT_PATH) {
    await serveV2Chat(context, req, res, arrival);
    return;
  }
  if (path === V2_EMBEDDINGS_PATH) {
    await serveV2Embeddings(context, req, res, arrival);
    return;
  }
  const embeddings = V1_EMBEDDINGS_PATH.exec(path);
  if (embeddings && req.method === 'POST') {
    await serveV1Embeddings(context, req, res, url, embeddings[1] ?? '', arrival);
    return;
  }
  if (path === TOKENIZER_PATH && req.method === 'POST') {
    await serveTokenizer(state, req, res, url);
    return;
  }
  await readBody(req);
  sendJson(res, v1Error(3, 'Unsupported openapi method'), {}, 404);
}

/** The shared state as the v2 and embeddings handlers see it (v2-context.ts). */
function simContext(state: SimState): SimContext {
  const { options } = state;
  const v2Quotas = new V2QuotaBook({ rpm: options.rpm, tpm: options.tpm, mode: options.quotaModel ?? options.quotaWindow, windowMs: options.windowMs, startedAt: now() });
  let embeddingCounter = 0;
  return {
    options,
    stats: state.stats,
    timers: state.timers,
    auth: state.auth,
    quotas: state.quotas,
    v2Quotas,
    // 'chat' is the expression serveChat uses, on the same counter.
    nextRequestRandom: (kind) =>
      kind === 'chat'
        ? seededRandom(hashString(`request:${++state.requestCounter}`, hashString(String(options.seed))))
        : seededRandom(hashString(`embeddings:${++embeddingCounter}`, hashString(String(options.seed)))),
    recordFirstChunk: (delayMs, plannedMs) => recordFirstChunk(state, delayMs, plannedMs),
  };
}

/** The request body, or undefined when the client went away before sending all of it. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

async function serveChat(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL, api: 'chat' | 'completions', endpoint: string, arrival: number): Promise<void> {
  const { stats, options } = state;
  stats.chatRequests++;
  stats.inFlight++;
  let cancelAnswer: Cancel = () => {};
  res.once('close', () => {
    stats.inFlight--;
    cancelAnswer();
  });
  // Jitter, faults and ids follow the seed and the arrival order, independently of the content.
  const random = seededRandom(hashString(`request:${++state.requestCounter}`, hashString(String(options.seed))));
  const id = responseId(random);
  const endpointKey = `${api}/${endpoint}`;
  const quota = state.quotas.for(endpointKey);
  const fail = (error: V1Error, status = 200): void => {
    if (error.error_code === 336501 || error.error_code === 336502) stats.throttled++;
    sendJson(res, { ...error, id }, quota.headers(now()), status);
  };

  const raw = await readBody(req);
  if (raw === undefined || res.destroyed) return;
  const auth = authenticate(req, url, state.auth);
  if (!auth.ok) return fail(auth.error);

  const model = findModelByEndpoint(options.catalog, endpoint);
  const limits = model ?? CUSTOM_ENDPOINT_LIMITS;
  const validation = validateChatBody(raw, api, limits);
  if (!validation.ok) return fail(validation.error);
  const input = validation.input;

  const userText = lastUserContent(input);
  const directive = parseDirective(userText);
  if (directive?.kind === 'error') return fail(v1Error(directive.code));

  const admission = quota.admit(input.promptTokens, now());
  if (!admission.ok) return fail(v1Error(admission.limit === 'rpm' ? 336501 : 336502));

  const rolled = rollFault(random, options.faults);
  const fault = directive?.kind === 'fault' ? directive.fault : rolled;
  if (fault === 'http500') return fail(v1Error(336000, 'Internal error'), 500);
  if (fault === 'busy' || fault === 'jsonInsteadOfStream') return fail(v1Error(336100));
  if (fault === 'resetBeforeHeaders') {
    req.socket.destroy();
    return;
  }

  const { answer, offsets, oneTokenMs } = composeAnswer(options, random, stats.inFlight, endpointKey, input, limits.defaultMaxOutputTokens);
  const plan: AnswerPlan = {
    meta: { id, object: api === 'chat' ? 'chat.completion' : 'completion', created: unixSeconds() },
    answer,
    promptTokens: input.promptTokens,
    arrival,
    offsets,
    oneTokenMs,
    fault,
    stallMs: options.stallMs,
    headers: () => quota.headers(now()),
  };
  if (res.destroyed) return;
  cancelAnswer = deliverAnswer(res, plan, v1Framing(plan), state.timers, input.stream, {
    arrival,
    promptTokens: input.promptTokens,
    quota,
    stats,
    recordFirstChunk: (delayMs, plannedMs) => recordFirstChunk(state, delayMs, plannedMs),
  });
}

/** Keeps the newest samples once full, overwriting the oldest, so memory stays bounded. */
function recordFirstChunk(state: SimState, delayMs: number, plannedMs: number): void {
  const { firstChunkDelaysMs: samples, plannedFirstChunkMs: planned } = state.stats;
  const slot = samples.length < MAX_FIRST_CHUNK_SAMPLES ? samples.length : state.firstChunkSamples % MAX_FIRST_CHUNK_SAMPLES;
  samples[slot] = delayMs;
  planned[slot] = plannedMs;
  state.firstChunkSamples++;
}

async function serveTokenizer(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const id = responseId(seededRandom(hashString(`tokenizer:${state.stats.httpRequests}`, state.options.seed)));
  const raw = await readBody(req);
  if (raw === undefined) return;
  const auth = authenticate(req, url, state.auth);
  if (!auth.ok) return sendJson(res, { ...auth.error, id });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return sendJson(res, { ...v1Error(336002, 'Invalid JSON'), id });
  }
  const prompt = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).prompt : undefined;
  if (typeof prompt !== 'string' || prompt.length === 0) {
    return sendJson(res, { ...v1Error(336003, 'prompt must be a non-empty string'), id });
  }
  sendJson(res, tokenizerBody(id, countSimTokens(prompt)));
}
