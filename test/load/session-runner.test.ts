import { describe, expect, it } from 'vitest';
import type { SessionScript } from '../../src/dataset/sessions.js';
import { DEFAULT_HISTORY_CHARS, v1ShapeProblem } from '../../src/dataset/sessions-history.js';
import type { ChatMessage } from '../../src/dataset/types.js';
import { DEFAULT_RETRY_POLICY } from '../../src/load/retry.js';
import { runPlan } from '../../src/load/runner.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import type { AttemptResult, Provider, ProviderRequest } from '../../src/providers/types.js';
import { BUILT_IN_CATALOG } from '../../src/qianfan/spec/catalog.js';
import { sessionStageOf } from '../../src/run/session-stage.js';
import { SessionTally } from '../../src/run/session-tally.js';
import { now } from '../../src/util/clock.js';

/**
 * Answers `answer to "<last user turn>"`, after a tick; a turn containing FAIL fails, UNSAFE is
 * flagged need_clear_history, EMPTY gets an empty answer, HUGE 600,000 characters (a hostile
 * server). Keeps every request it was sent.
 */
function fakeProvider(): Provider & { sent: ProviderRequest[] } {
  const sent: ProviderRequest[] = [];
  return {
    name: 'qianfan',
    sent,
    close: async () => undefined,
    send: async (request): Promise<AttemptResult> => {
      sent.push(request);
      const dispatchedAt = now();
      await new Promise((resolve) => setTimeout(resolve, 2));
      const last = request.messages[request.messages.length - 1]?.content ?? '';
      const base = { dispatchedAt, doneAt: now(), textEventTimes: [now()] };
      if (last.includes('FAIL')) return { ...base, ok: false, output: '', error: { class: 'invalid', code: 336003, message: 'refused' } };
      const output = last.includes('EMPTY') ? '' : last.includes('HUGE') ? 'x'.repeat(600_000) : `answer to "${last}"`;
      return { ...base, ok: true, output, flags: { needClearHistory: last.includes('UNSAFE'), isTruncated: false } };
    },
  };
}

function session(id: string, turns: string[], system?: string): SessionScript {
  return { id, source: { file: 'mem.jsonl', line: 1 }, turns, ...(system !== undefined ? { system } : {}) };
}

const SETTINGS = { api: 'chat' as const, stream: true, seed: 3, repeat: 1, endpoints: [] };

async function runSessions(
  sessions: SessionScript[],
  options: { concurrency?: number; maxRequests?: number; overflow?: 'trim' | 'stop'; model?: string; stopAfter?: number; failSinkAt?: number } = {},
): Promise<{ finished: FinishedRequest[]; provider: ReturnType<typeof fakeProvider>; planned: number }> {
  const model = options.model ?? 'ERNIE-Speed-8K';
  const stage = sessionStageOf(
    {
      ...SETTINGS,
      sessionOverflow: options.overflow ?? 'trim',
      maxRequests: options.maxRequests,
      duration: undefined,
      thinkTime: undefined,
      baseModel: undefined,
    },
    { sessions, targets: [{ model, endpoint: model.toLowerCase(), kind: 'chat' }], grid: {}, catalog: BUILT_IN_CATALOG },
    options.concurrency ?? 2,
  );
  if (stage === undefined) throw new Error('no session stage');
  const provider = fakeProvider();
  const finished: FinishedRequest[] = [];
  const stop = new AbortController();
  const result = await runPlan({
    plan: stage.plan,
    provider,
    concurrency: options.concurrency ?? 2,
    retry: { ...DEFAULT_RETRY_POLICY, retries: 0 },
    seed: 1,
    stopSignal: stop.signal,
    onFinished: (done) => {
      if (finished.length + 1 === options.failSinkAt) throw new Error('disk full');
      finished.push(done);
      if (finished.length === options.stopAfter) stop.abort();
    },
    drive: stage.drive,
  });
  return { finished, provider, planned: result.planned };
}

const turnsOf = (finished: FinishedRequest[], id: string): FinishedRequest[] =>
  finished.filter((done) => done.record.sessionId === id).sort((a, b) => (a.record.turn ?? 0) - (b.record.turn ?? 0));

describe('sessions as conversations', () => {
  it('sends each later turn with the real earlier answers, in v1 shape, and records turn and history', async () => {
    const { finished, provider, planned } = await runSessions([session('a', ['one', 'two', 'three'], 'Be brief.'), session('b', ['hello', 'again'])]);
    expect(planned).toBe(5);
    expect(finished.map((done) => done.record.seq).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
    const third = provider.sent.find((request) => request.messages.at(-1)?.content === 'three');
    expect(third?.messages).toEqual<ChatMessage[]>([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'answer to "one"' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'answer to "two"' },
      { role: 'user', content: 'three' },
    ]);
    expect(third?.system).toBe('Be brief.');
    for (const request of provider.sent) expect(v1ShapeProblem(request.messages)).toBeUndefined();
    const a = turnsOf(finished, 'a');
    expect(a.map((done) => [done.record.rowId, done.record.turn, done.record.historyMessages])).toEqual([
      ['a#t1', 1, 1],
      ['a#t2', 2, 3],
      ['a#t3', 3, 5],
    ]);
    expect(a[2]?.record.historyChars).toBe('Be brief.'.length + 'one'.length + 'answer to "one"'.length + 'two'.length + 'answer to "two"'.length + 5);
  });

  it('-c bounds the sessions in flight, and a session never has two turns in flight', async () => {
    const sessions = Array.from({ length: 6 }, (_, index) => session(`s${index}`, ['x', 'y', 'z']));
    const { finished } = await runSessions(sessions, { concurrency: 3 });
    expect(finished).toHaveLength(18);
    for (const id of sessions.map((s) => s.id)) {
      const turns = turnsOf(finished, id);
      for (let index = 1; index < turns.length; index++) {
        expect(turns[index]?.dispatchedAt ?? 0).toBeGreaterThanOrEqual(turns[index - 1]?.doneAt ?? Number.POSITIVE_INFINITY);
      }
    }
  });

  it('a failed turn ends its session: every later turn is recorded once as dropped, with the reason', async () => {
    const { finished, provider } = await runSessions([session('f', ['fine', 'FAIL here', 'never', 'never again'])]);
    const turns = turnsOf(finished, 'f');
    expect(turns.map((done) => done.record.outcome)).toEqual(['ok', 'failed', 'dropped', 'dropped']);
    expect(turns[2]?.record.errorMsg).toBe('session ended at turn 2 (failed)');
    expect(turns[2]?.record.historyAction).toBe('ended:failed');
    expect(turns[3]?.record.historyAction).toBeUndefined();
    expect(provider.sent).toHaveLength(2);
    const tally = new SessionTally();
    for (const done of finished) tally.record(done);
    expect(tally.summaryOf('c1')).toMatchObject({ conversations: 1, completed: 0, turnsPlanned: 4, turnsOk: 1, endedEarly: { failed: 1 } });
  });

  it('need_clear_history clears the history: the next turn goes alone, marked cleared', async () => {
    const { finished, provider } = await runSessions([session('u', ['hi', 'UNSAFE text', 'after', 'later'])]);
    const after = provider.sent.find((request) => request.messages.at(-1)?.content === 'after');
    expect(after?.messages).toEqual([{ role: 'user', content: 'after' }]);
    const later = provider.sent.find((request) => request.messages.at(-1)?.content === 'later');
    expect(later?.messages.map((message) => message.content)).toEqual(['after', 'answer to "after"', 'later']);
    expect(turnsOf(finished, 'u').map((done) => done.record.historyAction)).toEqual([undefined, undefined, 'cleared', undefined]);
  });

  it('an empty answer ends the session (v1 refuses an empty assistant message)', async () => {
    const { finished } = await runSessions([session('e', ['EMPTY please', 'next'])]);
    const turns = turnsOf(finished, 'e');
    expect(turns.map((done) => done.record.outcome)).toEqual(['ok', 'dropped']);
    expect(turns[1]?.record.historyAction).toBe('ended:empty_answer');
  });

  it('a history past the model limit is trimmed from its oldest turns, or stops the session', async () => {
    // Llama-2-7B-Chat: 4,800 characters of input. Each turn is 1,500 characters, each answer 1,512.
    const long = (letter: string): string => letter.repeat(1500);
    const turns = [long('a'), long('b'), long('c')];
    const roomy = await runSessions([session('t', turns)], { model: 'ERNIE-Speed-8K' });
    expect(roomy.provider.sent.at(-1)?.messages).toHaveLength(5);
    const small = await runSessions([session('t', turns)], { model: 'Llama-2-7B-Chat' });
    const third = small.provider.sent.find((request) => request.messages.at(-1)?.content === long('c'));
    // 1500 + 1512 + 1500 fits; with the first pair too it would be 7,524 characters.
    expect(third?.messages.map((message) => message.content)).toEqual([long('b'), `answer to "${long('b')}"`, long('c')]);
    expect(v1ShapeProblem(third?.messages ?? [])).toBeUndefined();
    expect(turnsOf(small.finished, 't').map((done) => done.record.historyAction)).toEqual([undefined, undefined, 'trimmed:1']);
    const stopped = await runSessions([session('t', [...turns, long('d')])], { model: 'Llama-2-7B-Chat', overflow: 'stop' });
    const outcomes = turnsOf(stopped.finished, 't').map((done) => [done.record.outcome, done.record.historyAction]);
    expect(outcomes).toEqual([
      ['ok', undefined],
      ['ok', undefined],
      ['dropped', 'ended:overflow'],
      ['dropped', undefined],
    ]);
    expect(turnsOf(stopped.finished, 't')[2]?.record.errorMsg).toContain('--session-overflow stop');
    expect(stopped.provider.sent).toHaveLength(2);
  });

  it('a target without catalog limits keeps the history within the default budget: a server answering megabytes cannot grow it', async () => {
    const turns = ['HUGE 1', 'HUGE 2', 'HUGE 3', 'HUGE 4'];
    const chars = (request: ProviderRequest): number => request.messages.reduce((sum, message) => sum + message.content.length, 0);
    const trimmed = await runSessions([session('h', turns)], { model: 'my-own-llm' });
    expect(trimmed.provider.sent).toHaveLength(4);
    for (const request of trimmed.provider.sent) expect(chars(request)).toBeLessThanOrEqual(DEFAULT_HISTORY_CHARS);
    expect(turnsOf(trimmed.finished, 'h').map((done) => done.record.historyAction)).toEqual([undefined, undefined, 'trimmed:1', 'trimmed:1']);
    const stopped = await runSessions([session('h', turns)], { model: 'my-own-llm', overflow: 'stop' });
    expect(stopped.provider.sent).toHaveLength(2);
    expect(turnsOf(stopped.finished, 'h')[2]?.record.errorMsg).toContain(`over the default limit of ${DEFAULT_HISTORY_CHARS}`);
  });

  it('a stop ends every turn not yet sent as cancelled, each planned turn once', async () => {
    const sessions = Array.from({ length: 4 }, (_, index) => session(`c${index}`, ['x', 'y', 'z']));
    const { finished, planned } = await runSessions(sessions, { concurrency: 2, stopAfter: 1 });
    expect(planned).toBe(12);
    expect(new Set(finished.map((done) => done.record.seq)).size).toBe(12);
    expect(finished.filter((done) => done.record.outcome === 'cancelled').length).toBeGreaterThanOrEqual(8);
    expect(finished.every((done) => done.record.outcome === 'ok' || done.record.outcome === 'cancelled')).toBe(true);
  });

  it('a sink that fails stops the feeding and the run rethrows its error', async () => {
    const sessions = Array.from({ length: 5 }, (_, index) => session(`k${index}`, ['x', 'y']));
    await expect(runSessions(sessions, { concurrency: 2, failSinkAt: 3 })).rejects.toThrow('disk full');
  });

  it('--max-requests counts turns: the last conversation started is cut to fit', async () => {
    const { finished, planned } = await runSessions([session('m1', ['a', 'b', 'c']), session('m2', ['d', 'e', 'f'])], { maxRequests: 4, concurrency: 1 });
    expect(planned).toBe(4);
    expect(finished).toHaveLength(4);
    expect(finished.every((done) => done.record.outcome === 'ok')).toBe(true);
  });
});
