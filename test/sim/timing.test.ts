import { afterEach, describe, it, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimOptions } from '../../src/sim/index.js';
import { chatUrl, getToken, parseSse, readStream, sleep, userMessage } from './helpers.js';

// Only lower bounds on wall-clock time: machines are noisy, but the simulator must never be early.
let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimOptions): Promise<{ running: RunningSimulator; token: string }> {
  const running = await startSimulator({ jitter: 0, ...options });
  sim = running;
  return { running, token: await getToken(running) };
}

describe('timing', () => {
  it('first chunk no earlier than firstChunkMs, measured by the client and the server', async () => {
    const { running, token } = await start({ firstChunkMs: 50, prefillMsPerToken: 0, msPerOutputToken: 0 });
    for (let i = 0; i < 3; i++) {
      const read = await readStream(chatUrl(running, token), { ...userMessage(`ttft ${i}`), stream: true });
      expect(read.firstByteMs).toBeGreaterThanOrEqual(50);
    }
    expect(running.stats.firstChunkDelaysMs).toHaveLength(3);
    for (const delay of running.stats.firstChunkDelaysMs) expect(delay).toBeGreaterThanOrEqual(50);
  });

  it('adds prefill per prompt token and decode time per output token', async () => {
    const { running, token } = await start({
      firstChunkMs: 10,
      prefillMsPerToken: 1,
      msPerOutputToken: 2,
      outputTokens: { min: 60, max: 60 },
    });
    const prompt = '字'.repeat(40);
    const read = await readStream(chatUrl(running, token), { ...userMessage(prompt), stream: true });
    expect(read.firstByteMs).toBeGreaterThanOrEqual(10 + 40);
    const { events } = parseSse(read.text);
    const firstSentenceTokens = [...(events[0]?.result ?? '')].length;
    expect(read.totalMs).toBeGreaterThanOrEqual(50 + 2 * (60 - firstSentenceTokens));
    const sync = await readStream(chatUrl(running, token), userMessage(prompt));
    expect(sync.firstByteMs).toBeGreaterThanOrEqual(50 + 2 * (60 - firstSentenceTokens));
  });

  it('slows everything down by inFlight/capacity above capacity', async () => {
    const { running, token } = await start({ firstChunkMs: 40, prefillMsPerToken: 0, msPerOutputToken: 0, capacity: 1 });
    await Promise.all([0, 1, 2].map((i) => readStream(chatUrl(running, token), { ...userMessage(`busy ${i}`), stream: true })));
    expect(Math.max(...running.stats.firstChunkDelaysMs)).toBeGreaterThanOrEqual(80);
  });

  it('serves many concurrent streams and settles the in-flight count', async () => {
    const { running, token } = await start({ firstChunkMs: 20, msPerOutputToken: 0.2, jitter: 0.1 });
    const reads = await Promise.all(Array.from({ length: 300 }, (_, i) => readStream(chatUrl(running, token), { ...userMessage(`load ${i}`), stream: true })));
    for (const read of reads) {
      const { events } = parseSse(read.text);
      expect(events[events.length - 1]?.is_end).toBe(true);
    }
    await sleep(20);
    expect(running.stats.inFlight).toBe(0);
    expect(running.stats.chatRequests).toBe(300);
  });

  it('close() ends open streams and pending timers promptly', async () => {
    const { running, token } = await start({ firstChunkMs: 10_000 });
    const pending = readStream(chatUrl(running, token), { ...userMessage('never answered'), stream: true }).catch((error: unknown) => error);
    await sleep(30);
    expect(running.stats.inFlight).toBe(1);
    await running.close();
    sim = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
