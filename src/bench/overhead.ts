/**
 * Client overhead: non-streaming requests per second against a no-op loopback server (in its own
 * process), qfbench's full request path versus a minimal raw undici loop at the same concurrency,
 * and the client CPU time each spends per 1,000 requests.
 */
import { Agent, request } from 'undici';
import { startChild } from './child.js';
import { driveQfbench } from './drive.js';

export interface OverheadResult {
  client: string;
  requests: number;
  requestsPerSec: number;
  cpuMsPer1000: number;
}

const BODY = JSON.stringify({ messages: [{ role: 'user', content: 'Benchmark this request path.' }], stream: false });

async function rawUndici(url: string, concurrency: number, requests: number): Promise<void> {
  const agent = new Agent({ connections: concurrency, headersTimeout: 60_000, bodyTimeout: 60_000 });
  let next = 0;
  const target = `${url}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/ernie_speed?access_token=bench`;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const response = await request(target, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: BODY });
        JSON.parse(await response.body.text());
      }
    }),
  );
  await agent.close();
}

async function measure(client: string, requests: number, pass: () => Promise<void>): Promise<OverheadResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await pass();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { client, requests, requestsPerSec: requests / (elapsedMs / 1000), cpuMsPer1000: ((cpu.user + cpu.system) / 1000 / requests) * 1000 };
}

export async function benchOverhead(options: { concurrency: number; requests: number; passes: number }): Promise<OverheadResult[]> {
  const server = await startChild<{ url: string }>('./noop-server.js');
  const url = server.ready.url;
  const qfbench = (): Promise<void> =>
    driveQfbench({ url, auth: { kind: 'access-token', accessToken: 'bench' }, concurrency: options.concurrency, requests: options.requests, stream: false });
  const raw = (): Promise<void> => rawUndici(url, options.concurrency, options.requests);
  try {
    await raw(); // warm-up both paths
    await qfbench();
    const results: OverheadResult[] = [];
    for (let pass = 0; pass < options.passes; pass++) {
      results.push(await measure('raw undici', options.requests, raw));
      results.push(await measure('qfbench', options.requests, qfbench));
    }
    return results;
  } finally {
    await server.close();
  }
}
