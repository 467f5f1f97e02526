import { afterEach, describe, it, expect } from 'vitest';
import { startSimulator, type FaultKind, type RunningSimulator, type SimOptions } from '../../src/sim/index.js';
import { chatUrl, getToken, parseSse, post, readStream, userMessage } from './helpers.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const fast: SimOptions = { firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0, outputTokens: { min: 60, max: 60 } };

async function start(options: SimOptions = {}): Promise<{ running: RunningSimulator; token: string }> {
  const running = await startSimulator({ ...fast, ...options });
  sim = running;
  return { running, token: await getToken(running) };
}

/** Asks for a fault by directive, or by dice when `byDice` (the fault then has probability 1). */
async function faulted(kind: FaultKind, stream: boolean, byDice: boolean, options: SimOptions = {}) {
  const { running, token } = await start(byDice ? { ...options, faults: { [kind]: 1 } } : options);
  const content = byDice ? 'hello there' : `hello there [[sim:fault=${kind}]]`;
  return { running, read: await readStream(chatUrl(running, token), { ...userMessage(content), stream }) };
}

describe.each([
  ['directive', false],
  ['dice', true],
] as const)('faults by %s', (_label, byDice) => {
  it('http500 answers HTTP 500 with error 336000', async () => {
    const { read } = await faulted('http500', true, byDice);
    expect(read.status).toBe(500);
    expect(JSON.parse(read.text)).toMatchObject({ error_code: 336000, error_msg: 'Internal error' });
  });

  it('busy answers 336100 with HTTP 200', async () => {
    const { read } = await faulted('busy', false, byDice);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toMatchObject({ error_code: 336100, error_msg: 'server high load, please try again later' });
  });

  it('resetBeforeHeaders destroys the connection without an answer', async () => {
    const { running, token } = await start(byDice ? { faults: { resetBeforeHeaders: 1 } } : {});
    const content = byDice ? 'hi' : 'hi [[sim:fault=resetBeforeHeaders]]';
    await expect(post(chatUrl(running, token), { ...userMessage(content), stream: true })).rejects.toThrow();
  });

  it('jsonInsteadOfStream answers a stream request with a JSON error', async () => {
    const { read } = await faulted('jsonInsteadOfStream', true, byDice);
    expect(read.contentType).toContain('application/json');
    expect(JSON.parse(read.text)).toMatchObject({ error_code: 336100 });
  });

  it('cutMidStream breaks the connection after the first sentence', async () => {
    const { read } = await faulted('cutMidStream', true, byDice);
    expect(read.status).toBe(200);
    expect(read.contentType).toContain('text/event-stream');
    expect(read.error).toBeDefined();
    const { events } = parseSse(read.text);
    expect(events.length).toBe(1);
    expect(events[0]?.is_end).toBe(false);
  });

  it('garbageSse writes an unparseable event after the first sentence, then goes on', async () => {
    const { read, running } = await faulted('garbageSse', true, byDice);
    expect(read.text).toContain('\n\ndata: {not json\n\n');
    const { events, otherLines } = parseSse(read.text);
    expect(otherLines).toEqual(['data: {not json']);
    expect(events[events.length - 1]?.is_end).toBe(true);
    expect(events.map((event) => event.sentence_id)).toEqual(events.map((_event, index) => index));
    expect(running.stats.completionTokens).toBe(60);
  });

  it('midStreamError ends the stream with a bare JSON error line', async () => {
    const { read } = await faulted('midStreamError', true, byDice);
    expect(read.error).toBeUndefined();
    const { events, otherLines } = parseSse(read.text);
    expect(events.length).toBe(1);
    expect(otherLines.length).toBe(1);
    expect(JSON.parse(otherLines[0]!)).toMatchObject({
      error_code: 336003,
      error_msg: 'the max length of current question is 2000',
      id: events[0]!.id,
    });
    expect(read.text.endsWith('\n')).toBe(true);
  });

  it('stall pauses stallMs after the first sentence', async () => {
    const { read } = await faulted('stall', true, byDice, { stallMs: 150 });
    expect(read.totalMs).toBeGreaterThanOrEqual(150);
    const { events } = parseSse(read.text);
    expect(events[events.length - 1]?.is_end).toBe(true);
  });
});

describe('faults on non-streaming requests', () => {
  it('cutMidStream resets the connection', async () => {
    const { running, token } = await start();
    await expect(post(chatUrl(running, token), userMessage('x [[sim:fault=cutMidStream]]'))).rejects.toThrow();
  });
  it('garbageSse answers an unparseable JSON body', async () => {
    const { running, token } = await start();
    const answer = await post(chatUrl(running, token), userMessage('x [[sim:fault=garbageSse]]'));
    expect(answer.contentType).toContain('application/json');
    expect(answer.text).toBe('{not json');
  });
  it('midStreamError answers the JSON error', async () => {
    const { running, token } = await start();
    const answer = await post(chatUrl(running, token), userMessage('x [[sim:fault=midStreamError]]'));
    expect(answer.json.error_code).toBe(336003);
  });
  it('stall delays the answer by stallMs', async () => {
    const { running, token } = await start({ stallMs: 120 });
    const read = await readStream(chatUrl(running, token), userMessage('x [[sim:fault=stall]]'));
    expect(read.totalMs).toBeGreaterThanOrEqual(120);
    expect(JSON.parse(read.text).result).toBeTypeOf('string');
  });
  it('jsonInsteadOfStream answers 336100', async () => {
    const { running, token } = await start();
    const answer = await post(chatUrl(running, token), userMessage('x [[sim:fault=jsonInsteadOfStream]]'));
    expect(answer.json.error_code).toBe(336100);
  });
});

describe('mid-stream faults on a one-sentence answer', () => {
  it('append an empty final event so the fault lands between two events', async () => {
    const { running, token } = await start({ outputTokens: { min: 5, max: 5 } });
    const read = await readStream(chatUrl(running, token), { ...userMessage('x [[sim:fault=garbageSse]]'), stream: true });
    const { events, otherLines } = parseSse(read.text);
    expect(otherLines).toEqual(['data: {not json']);
    expect(events.map((event) => [event.is_end, event.result === ''])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(events[1]?.usage.completion_tokens).toBe(5);
  });
});

describe('error directives', () => {
  it('answer the requested code with its real message, as JSON even for a stream', async () => {
    const { running, token } = await start();
    const cases: Array<[number, string]> = [
      [336100, 'server high load, please try again later'],
      [18, 'Open api qps request limit reached'],
      [336501, 'Rate limit reached for RPM'],
      [4242, 'simulated error 4242'],
    ];
    for (const [code, message] of cases) {
      const read = await readStream(chatUrl(running, token), { ...userMessage(`hi [[sim:error=${code}]]`), stream: true });
      expect(read.status).toBe(200);
      expect(read.contentType).toContain('application/json');
      expect(JSON.parse(read.text)).toMatchObject({ error_code: code, error_msg: message });
    }
    expect(running.stats.throttled).toBe(1);
  });

  it('only read the last user message', async () => {
    const { running, token } = await start();
    const answer = await post(chatUrl(running, token), {
      messages: [
        { role: 'user', content: '[[sim:error=336100]]' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'fine now' },
      ],
    });
    expect(answer.json.result).toBeTypeOf('string');
  });
});

describe('fault dice', () => {
  it('honour the rate and repeat for the same seed', async () => {
    const pattern = async (): Promise<string> => {
      const { running, token } = await start({ seed: 7, faults: { busy: 0.3 } });
      let marks = '';
      for (let i = 0; i < 40; i++) {
        const answer = await post(chatUrl(running, token), userMessage(`q${i}`));
        marks += answer.json.error_code === 336100 ? 'x' : '.';
      }
      await running.close();
      return marks;
    };
    const first = await pattern();
    const second = await pattern();
    expect(second).toBe(first);
    const hits = [...first].filter((mark) => mark === 'x').length;
    expect(hits).toBeGreaterThan(3);
    expect(hits).toBeLessThan(25);
  });
});
