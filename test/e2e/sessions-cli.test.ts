import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/dataset/types.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startLoggingProxy, type LoggingProxy } from '../helpers/logging-proxy.js';

// The simulator judges a user message with this marker unsafe (src/sim/unsafe-input.ts): need_clear_history.
const UNSAFE = '[[sim:unsafe]]';
const SESSIONS = [
  { id: 'travel', system: 'Answer briefly.', turns: ['Plan a day in Hangzhou.', 'Make it cheaper.', 'Now for two people.'] },
  { id: 'math', turns: ['What is 12 times 7?', 'And divided by 3?'] },
  { id: 'flagged', turns: [`${UNSAFE} something risky`, 'Something harmless.', 'And one more.'] },
];

let sim: RunningSimulator;
let proxy: LoggingProxy;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 2, msPerOutputToken: 0.1, jitter: 0 });
  // The proxy sees exactly what the simulator was sent.
  proxy = await startLoggingProxy(sim.url);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

/** The chat bodies the simulator received, by their last user message. */
function chatBodies(): Array<{ messages: ChatMessage[]; system?: string }> {
  return proxy.log.filter((entry) => entry.path.includes('/chat/')).map((entry) => JSON.parse(entry.body) as { messages: ChatMessage[]; system?: string });
}

describe('--sessions runs live conversations (checked at the simulator)', () => {
  let out = '';
  let rows: Record<string, string>[] = [];
  let summary: RunSummary;
  beforeAll(async () => {
    const dir = await tempDir();
    const file = join(dir, 'sessions.jsonl');
    await writeFile(file, SESSIONS.map((session) => JSON.stringify(session)).join('\n') + '\n');
    out = join(dir, 'out');
    const env = { QIANFAN_BASE_URL: proxy.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk };
    const result = await runCli(['run', '--sessions', file, '-m', 'ernie-speed-8k', '-c', '2', '--think-time', '0.02-0.05', '--out', out, '--quiet'], { env });
    expect(result.code, result.stderr).toBe(0);
    rows = parse(await readFile(join(out, 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
  });

  const row = (id: string): Record<string, string> => {
    const found = rows.find((candidate) => candidate['row_id'] === id);
    if (found === undefined) throw new Error(`no row ${id}`);
    return found;
  };

  it("sends the second turn with the first turn's real answer, as the simulator received it", () => {
    const firstAnswer = row('travel#t1')['output'] ?? '';
    expect(firstAnswer.length).toBeGreaterThan(0);
    const second = chatBodies().find((body) => body.messages.at(-1)?.content === 'Make it cheaper.');
    expect(second?.messages).toEqual([
      { role: 'user', content: 'Plan a day in Hangzhou.' },
      { role: 'assistant', content: firstAnswer },
      { role: 'user', content: 'Make it cheaper.' },
    ]);
    expect(second?.system).toBe('Answer briefly.');
    const third = chatBodies().find((body) => body.messages.at(-1)?.content === 'Now for two people.');
    expect(third?.messages.map((message) => message.content)).toEqual([
      'Plan a day in Hangzhou.',
      firstAnswer,
      'Make it cheaper.',
      row('travel#t2')['output'],
      'Now for two people.',
    ]);
  });

  it('need_clear_history clears the history: the next turn reaches the simulator alone', () => {
    expect(row('flagged#t1')['need_clear_history']).toBe('true');
    const next = chatBodies().find((body) => body.messages.at(-1)?.content === 'Something harmless.');
    expect(next?.messages).toEqual([{ role: 'user', content: 'Something harmless.' }]);
    expect(row('flagged#t2')['history_action']).toBe('cleared');
    expect(row('flagged#t3')['history_messages']).toBe('3');
  });

  it('records turn and history per request, and per-session figures in summary.json and the report', async () => {
    expect(rows).toHaveLength(8);
    expect(rows.every((candidate) => candidate['outcome'] === 'ok')).toBe(true);
    expect(['1', '2', '3'].map((turn) => row(`travel#t${turn}`)['history_messages'])).toEqual(['1', '3', '5']);
    expect(row('math#t2')['session_id']).toBe('math');
    expect(row('math#t2')['turn']).toBe('2');
    const sessions = summary.cells[0]?.sessions;
    expect(sessions).toMatchObject({ conversations: 3, completed: 3, turnsPlanned: 8, turnsOk: 8, cleared: 1, trimmed: 0, endedEarly: {} });
    expect(sessions?.latencyMs.count).toBe(3);
    expect(sessions?.ttftByHistory.map((bucket) => bucket.priorTurns)).toEqual(['0', '1', '2']);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="sessions">');
  });

  it('refuses --sessions with --rate, and a --resume of a sessions run', async () => {
    const result = await runCli(['run', '--sim', '--sessions', 'x.jsonl', '-m', 'ernie-speed-8k', '--rate', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sessions: runs closed loop');
    const resumed = await runCli(['run', '--resume', out, '--quiet'], {
      env: { QIANFAN_BASE_URL: proxy.url, QIANFAN_AK: sim.credentials.ak, QIANFAN_SK: sim.credentials.sk },
    });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('a --sessions run cannot be resumed');
  });
});
