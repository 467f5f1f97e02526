/**
 * A server that echoes every credential it sees: the OAuth endpoint hands out a fixed token, and
 * the chat endpoint quotes that token, the AK and SK (captured from the token request), the query
 * string and the Authorization header back in error bodies (JSON and text, the token placed so it
 * straddles the 120-character cut of a quoted body), in error headers, and in answers, sync and
 * streamed. The fetched token used to be unknown to the redaction, so it reached 4 files, and a
 * straddling secret kept its first 19 characters. Now every file of the run (the folder, the
 * --record recording, --junit, --summary-md), stdout and stderr are searched for each secret and
 * for any 12-character start of one: nothing is found.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { requestRows, startHostileServer } from './hostile-server.js';
import { isTokenRequest } from './token-endpoint.js';

const AK = 'echoAK-Zq81Lm2Xp0Tr7Bv4';
const SK = 'echoSK-Hy63Nd9Wc5Ke1Uj8';
const TOKEN = '24.5f1c0e7a9b3d2c8e4f6a1b0c9d8e7f6a.2592000.1767225600.282335-48815566';
const KEY = 'bce-v3/ALTAK-echoKey9Pq2Rs5/0a1b2c3d4e5f67890a1b2c3d4e5f6789';
const SECRETS = [AK, SK, TOKEN, KEY];

/** 101 characters before the secret: the 120-character cut of a quoted body ends 19 characters into it. */
const PAD = 'x'.repeat(101);

/** Every file under `dir`, as text. */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  expect(files.length).toBeGreaterThan(0);
  return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
}

function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) {
    for (const form of [secret, encodeURIComponent(secret)]) {
      // The whole secret, and any 12-character start of it (a cut that kept part of it).
      expect(text.includes(form), `${where} holds ${form}`).toBe(false);
      expect(text.includes(form.slice(0, 12)), `${where} holds the start of ${form}`).toBe(false);
    }
  }
  expect(text, where).not.toMatch(/(access_token|client_secret|client_id)=[^*&\s"]/);
}

function sse(res: ServerResponse, events: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-echo-token': TOKEN });
  res.end(events.join(''));
}

/** The v1 chat endpoint's answers, in rotation: each quotes whatever credentials it has seen. */
function v1Answer(req: IncomingMessage & { body: string }, res: ServerResponse, index: number, seen: () => string): void {
  const stream = (JSON.parse(req.body || '{}') as { stream?: boolean }).stream === true;
  const echo = `${seen()} url=${req.url ?? ''} token=${TOKEN}`;
  const kinds = ['text500', 'jsonError', 'bceHeaders', 'ok', 'midStreamError'] as const;
  const kind = kinds[index % kinds.length];
  const usage = { prompt_tokens: 5, completion_tokens: 30, total_tokens: 35 };
  switch (kind) {
    case 'text500':
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${PAD}${TOKEN} ${echo}`);
      return;
    case 'jsonError':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 336003, error_msg: `${PAD}${TOKEN} invalid: ${echo}` }));
      return;
    case 'bceHeaders':
      res.writeHead(403, { 'x-bce-error-code': 'EchoDenied', 'x-bce-error-message': `token ${TOKEN} ak ${AK}` }).end();
      return;
    case 'midStreamError':
      if (stream) {
        sse(res, [
          `data: ${JSON.stringify({ result: `${PAD}${TOKEN}`, is_end: false })}\n\n`,
          `${JSON.stringify({ error_code: 336100, error_msg: `${PAD}${TOKEN} ${echo}` })}\n`,
        ]);
        return;
      }
      break;
    default:
      break;
  }
  const answer = `Here you are: ${PAD}${TOKEN} and ${echo}`;
  if (stream) {
    sse(res, [
      `data: ${JSON.stringify({ result: answer.slice(0, 110), is_end: false })}\n\n`,
      `data: ${JSON.stringify({ result: answer.slice(110), is_end: true, usage })}\n\n`,
    ]);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'x-echo-token': TOKEN }).end(JSON.stringify({ id: 'as-1', result: answer, is_end: true, usage }));
}

/** The v2 (OpenAI-compatible) chat endpoint's answers, quoting the Bearer key. */
function v2Answer(req: IncomingMessage & { body: string }, res: ServerResponse, index: number): void {
  const stream = (JSON.parse(req.body || '{}') as { stream?: boolean }).stream === true;
  const echo = `authorization=${req.headers.authorization ?? ''} key=${KEY}`;
  const kinds = ['text500', 'jsonError', 'ok', 'throttled'] as const;
  const kind = kinds[index % kinds.length];
  if (kind === 'text500') {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`${PAD}${KEY} ${echo}`);
    return;
  }
  if (kind === 'jsonError') {
    res
      .writeHead(401, { 'content-type': 'application/json', 'x-echo-key': KEY })
      .end(JSON.stringify({ error: { code: 'invalid_api_key', message: `${PAD}${KEY} ${echo}`, type: 'invalid_request_error' } }));
    return;
  }
  if (kind === 'throttled') {
    res
      .writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' })
      .end(JSON.stringify({ error: { code: 'rpm_rate_limit_exceeded', message: `slow down ${echo}` } }));
    return;
  }
  const answer = `Your key: ${PAD}${KEY} (${echo})`;
  const usage = { prompt_tokens: 5, completion_tokens: 30, total_tokens: 35 };
  if (stream) {
    const chunk = (delta: object, extra: object = {}): string =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, ...extra }] })}\n\n`;
    sse(res, [
      chunk({ role: 'assistant', content: answer.slice(0, 110) }),
      chunk({ content: answer.slice(110) }),
      chunk({}, { finish_reason: 'stop' }),
      `data: ${JSON.stringify({ id: 'c1', choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    ]);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: 'c1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage,
    }),
  );
}

async function echoingServer() {
  let seenCredentials = '';
  let chats = 0;
  const server = await startHostileServer((req, res) => {
    if (isTokenRequest(req)) {
      // Keep what the token request carried, to quote it back later.
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      seenCredentials = `client_id ${query.get('client_id') ?? ''} client_secret ${query.get('client_secret') ?? ''}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: TOKEN, expires_in: 2592000, echo: `${AK} ${SK}` }));
      return;
    }
    const index = chats++;
    if ((req.url ?? '').startsWith('/v2/')) v2Answer(req, res, index);
    else v1Answer(req, res, index, () => seenCredentials);
  });
  return Object.assign(server, { chats: () => chats });
}

describe('a server that echoes the fetched token, the keys and the Authorization header', () => {
  it('no secret, nor the start of one, in any output file, the recording, JUnit, Markdown, stdout or stderr', async () => {
    const server = await echoingServer();
    const data = await tempDir();
    const dataset = join(data, 'rows.csv');
    // A failing `contains` quotes the answer in its reason, so JUnit and the summaries see answers too.
    await writeFile(dataset, `id,prompt,assert_contains\n${[1, 2, 3, 4, 5].map((n) => `r${n},say something ${n},NEVER-SAID`).join('\n')}\n`);
    const runs = [
      { name: 'v1 OAuth, stream', args: [], env: { QIANFAN_AK: AK, QIANFAN_SK: SK, QIANFAN_BASE_URL: server.url } },
      { name: 'v1 OAuth, sync', args: ['--no-stream'], env: { QIANFAN_AK: AK, QIANFAN_SK: SK, QIANFAN_BASE_URL: server.url } },
      { name: 'openai, stream', args: ['--provider', 'openai', '--api-key', KEY, '--base-url', `${server.url}/v2`], env: {} },
      { name: 'openai, sync', args: ['--provider', 'openai', '--base-url', `${server.url}/v2`, '--no-stream'], env: { OPENAI_API_KEY: KEY } },
    ];
    try {
      for (const run of runs) {
        const out = await tempDir();
        const side = await tempDir();
        const before = server.chats();
        const result = await runCli(
          [
            'run',
            '-d',
            dataset,
            '-m',
            'ernie-speed-8k',
            '--max-requests',
            '10',
            '-c',
            '1',
            '--retries',
            '0',
            '--out',
            out,
            '--record',
            join(side, 'recording'),
            '--junit',
            join(side, 'junit.xml'),
            '--summary-md',
            join(side, 'summary.md'),
            ...run.args,
          ],
          { env: { ...run.env, CI: 'true' } },
        );
        expect(result.signal, run.name).toBeNull();
        expect(result.stderr, run.name).not.toContain('internal error');
        expect(server.chats() - before, run.name).toBe(10);
        const rows = await requestRows(out);
        expect(rows, run.name).toHaveLength(10);
        // The echoes did arrive, and were masked.
        expect(
          rows.some((row) => row.outcome === 'ok' && (row.output ?? '').includes('***')),
          run.name,
        ).toBe(true);
        expect(
          rows.some((row) => row.outcome !== 'ok' && (row.error_msg ?? '').includes('***')),
          run.name,
        ).toBe(true);
        expectNoSecret(`${run.name}: stdout`, result.stdout);
        expectNoSecret(`${run.name}: stderr`, result.stderr);
        expectNoSecret(`${run.name}: output folder`, await allText(out));
        expectNoSecret(`${run.name}: recording, JUnit, Markdown`, await allText(side));
      }
    } finally {
      await server.close();
    }
  }, 180_000);
});
