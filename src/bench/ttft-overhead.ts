/**
 * TTFT measurement overhead: qfbench's median TTFT minus the server's own median first-chunk delay,
 * next to the same difference for a minimal raw node:http client, against the same simulator (in
 * its own process) at the same concurrency, in one run. The goal is qfbench within 1 ms of raw.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { driveQfbench } from './drive.js';
import { median, startSimChild } from './sim-child.js';

export interface OverheadResult {
  client: string;
  requests: number;
  medianTtftMs: number;
  medianServerDelayMs: number;
  overheadMs: number;
}

const PROMPT = 'Measure the time to first token of this request.';

export async function measureQfbench(url: string, credentials: { ak: string; sk: string }, concurrency: number, requests: number): Promise<number[]> {
  const ttfts: number[] = [];
  await driveQfbench({
    url,
    auth: { kind: 'oauth', credentials },
    concurrency,
    requests,
    stream: true,
    prompt: PROMPT,
    onFinished: ({ record }) => {
      if (record.ttftMs !== undefined) ttfts.push(record.ttftMs);
    },
  });
  return ttfts;
}

export async function measureRawHttp(url: string, credentials: { ak: string; sk: string }, concurrency: number, requests: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (path: string, body: string, onFirstByte?: () => void): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = http.request(new URL(path, url), { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        let first = true;
        res.on('data', (chunk: Buffer) => {
          if (first && onFirstByte) onFirstByte();
          first = false;
          text += chunk.toString();
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const grant = JSON.parse(await post(`/oauth/2.0/token?grant_type=client_credentials&client_id=${credentials.ak}&client_secret=${credentials.sk}`, '')) as {
    access_token: string;
  };
  const body = JSON.stringify({ messages: [{ role: 'user', content: PROMPT }], stream: true });
  const path = `/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed?access_token=${grant.access_token}`;
  const ttfts: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++;
      const start = performance.now();
      let firstAt = 0;
      // The simulator's first body chunk is its first sentence: exactly what TTFT is.
      await post(path, body, () => (firstAt = performance.now()));
      ttfts.push(firstAt - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return ttfts;
}

export async function benchTtftOverhead(options: { concurrency: number; requests: number; firstChunkMs: number; passes: number }): Promise<OverheadResult[]> {
  const sim = await startSimChild({
    firstChunkMs: options.firstChunkMs,
    prefillMsPerToken: 0,
    msPerOutputToken: 0.5,
    jitter: 0,
    outputTokens: { min: 20, max: 40 },
  });
  const results: OverheadResult[] = [];
  try {
    // Alternate the clients over several passes so neither always runs on a quieter machine; the
    // median over passes damps one noisy pass.
    const clients = Array.from(
      { length: options.passes },
      () =>
        [
          ['raw node:http', measureRawHttp],
          ['qfbench', measureQfbench],
        ] as const,
    ).flat();
    // Warm both clients up (JIT, connections) before anything counts.
    await measureRawHttp(sim.url, sim.credentials, options.concurrency, options.concurrency * 4);
    await measureQfbench(sim.url, sim.credentials, options.concurrency, options.concurrency * 4);
    await sim.takeFirstChunkDelays();
    for (const [client, measure] of clients) {
      const ttfts = await measure(sim.url, sim.credentials, options.concurrency, options.requests);
      const serverDelays = await sim.takeFirstChunkDelays();
      const medianTtftMs = median(ttfts);
      const medianServerDelayMs = median(serverDelays);
      results.push({ client, requests: ttfts.length, medianTtftMs, medianServerDelayMs, overheadMs: medianTtftMs - medianServerDelayMs });
    }
  } finally {
    await sim.close();
  }
  return results;
}
