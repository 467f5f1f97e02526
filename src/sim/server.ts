/**
 * The simulator's HTTP front: its lifecycle (listen, close) and the router that hands each
 * request to its handler (v1-chat.ts, v2-chat.ts, embeddings.ts, reranker.ts, text2image.ts, v1-tokenizer.ts, the OAuth token
 * endpoint in oauth-endpoint.ts, the IAM bearer-token endpoint in v2-bearer.ts). The handlers
 * share one context (context.ts) and one scaffold (exchange.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from '../util/clock.js';
import { sendJson } from './answer.js';
import { createSimContext, type SimContext, type SimStats } from './context.js';
import { serveV1Embeddings, serveV2Embeddings, V1_EMBEDDINGS_PATH, V2_EMBEDDINGS_PATH } from './embeddings.js';
import { readBody } from './exchange.js';
import { serveV1Reranker, serveV2Rerankers, V1_RERANKER_PATH, V2_RERANKERS_PATH } from './reranker.js';
import { serveV1Text2Image, V1_TEXT2IMAGE_PATH } from './text2image.js';
import { OAUTH_TOKEN_PATH, serveOAuthToken } from './oauth-endpoint.js';
import { resolveOptions, type ResolvedSimOptions, type SimOptions } from './options.js';
import { V1_JSON_HEADERS, v1Error } from './responses.js';
import { serveV1Chat, V1_CHAT_PATH } from './v1-chat.js';
import { serveV1Tokenizer, V1_TOKENIZER_PATH } from './v1-tokenizer.js';
import { IAM_BEARER_TOKEN_PATH, serveIamBearerToken } from './v2-bearer.js';
import { serveV2Chat, V2_CHAT_PATH } from './v2-chat.js';

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

const LISTEN_BACKLOG = 4096;

export async function startSimulator(userOptions: SimOptions = {}): Promise<RunningSimulator> {
  const options = resolveOptions(userOptions);
  const ctx = createSimContext(options);
  const server = createServer({ noDelay: true }, (req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      // A bug must not take the simulator down mid-benchmark; answer like the real service would.
      if (!res.headersSent && !res.destroyed) sendJson(res, v1Error(336000, 'Internal error'), V1_JSON_HEADERS, 500);
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
    stats: ctx.stats,
    expireTokens: () => ctx.auth.tokens.expireAll(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        ctx.timers.clearAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function route(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrival = now();
  const { stats } = ctx;
  stats.httpRequests++;
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  req.socket.setNoDelay(true);

  if (path === OAUTH_TOKEN_PATH && (req.method === 'POST' || req.method === 'GET')) {
    await serveOAuthToken(ctx, req, res, url);
    return;
  }
  const chat = V1_CHAT_PATH.exec(path);
  if (chat && req.method === 'POST') {
    await serveV1Chat(ctx, req, res, url, chat[1] === 'chat' ? 'chat' : 'completions', chat[2] ?? '', arrival);
    return;
  }
  if (path === IAM_BEARER_TOKEN_PATH) {
    await serveIamBearerToken(ctx, req, res, url);
    return;
  }
  if (path === V2_CHAT_PATH) {
    await serveV2Chat(ctx, req, res, arrival);
    return;
  }
  if (path === V2_EMBEDDINGS_PATH) {
    await serveV2Embeddings(ctx, req, res, arrival);
    return;
  }
  const embeddings = V1_EMBEDDINGS_PATH.exec(path);
  if (embeddings && req.method === 'POST') {
    await serveV1Embeddings(ctx, req, res, url, embeddings[1] ?? '', arrival);
    return;
  }
  if (path === V2_RERANKERS_PATH) {
    await serveV2Rerankers(ctx, req, res, arrival);
    return;
  }
  const reranker = V1_RERANKER_PATH.exec(path);
  if (reranker && req.method === 'POST') {
    await serveV1Reranker(ctx, req, res, url, reranker[1] ?? '', arrival);
    return;
  }
  const text2image = V1_TEXT2IMAGE_PATH.exec(path);
  if (text2image && req.method === 'POST') {
    await serveV1Text2Image(ctx, req, res, url, text2image[1] ?? '', arrival);
    return;
  }
  if (path === V1_TOKENIZER_PATH && req.method === 'POST') {
    await serveV1Tokenizer(ctx, req, res, url);
    return;
  }
  await readBody(req);
  sendJson(res, v1Error(3, 'Unsupported openapi method'), V1_JSON_HEADERS, 404);
}
