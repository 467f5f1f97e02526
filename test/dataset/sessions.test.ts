import { describe, expect, it } from 'vitest';
import { loadSessions, sessionTurnRows } from '../../src/dataset/sessions.js';
import { DEFAULT_HISTORY_CHARS, turnMessages, v1ShapeProblem, type TurnPair } from '../../src/dataset/sessions-history.js';
import { MAX_LINE_CHARS } from '../../src/dataset/line-stream.js';
import { datasetErrorOf, useFixtures } from './helpers.js';

const { fixture } = useFixtures();

describe('session datasets', () => {
  it('loads sessions: ids, turns, system and think_time; each turn alone becomes a row', async () => {
    const file = await fixture(
      'ok.jsonl',
      ['{"id": "s1", "turns": ["你好", "再说一遍"], "system": "简洁", "think_time": 1.5}', '', '{"turns": ["only one"], "metadata": {"from": "logs"}}'].join(
        '\n',
      ),
    );
    const sessions = await loadSessions(file);
    expect(sessions).toEqual([
      { id: 's1', source: { file, line: 1 }, turns: ['你好', '再说一遍'], system: '简洁', thinkTimeS: 1.5 },
      { id: 'ok.jsonl#3', source: { file, line: 3 }, turns: ['only one'] },
    ]);
    expect(sessionTurnRows(sessions).map((row) => [row.id, row.messages, row.system])).toEqual([
      ['s1#t1', [{ role: 'user', content: '你好' }], '简洁'],
      ['s1#t2', [{ role: 'user', content: '再说一遍' }], '简洁'],
      ['ok.jsonl#3#t1', [{ role: 'user', content: 'only one' }], undefined],
    ]);
  });

  it.each([
    ['{"id": "x"}', '"turns" must be a non-empty array'],
    ['{"turns": []}', 'an empty array'],
    ['{"turns": ["a", 3]}', 'turns[1] must be a string'],
    ['{"turns": ["a", "  "]}', 'turns[1] is blank'],
    ['{"turns": ["a"], "think_time": -1}', '"think_time" must be seconds'],
    ['{"turns": ["a"], "prompt": "x"}', 'unknown key "prompt"'],
    ['{"turns": ["a"]', 'invalid JSON'],
  ])('names FILE:LINE for %s', async (record, message) => {
    const file = await fixture('bad.jsonl', `{"id": "fine", "turns": ["ok"]}\n${record}\n`);
    const error = await datasetErrorOf(loadSessions(file));
    expect(error).toContain(`${file}:2`);
    expect(error).toContain(message);
  });

  it('explains invalid JSON with its column and never echoes the line back', async () => {
    const long = `{"turns": ["${'x'.repeat(5000)}"], oops}`;
    const file = await fixture('echo.jsonl', `${long}\n`);
    const error = await datasetErrorOf(loadSessions(file));
    expect(error).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: invalid JSON`));
    expect(error).not.toContain('x'.repeat(100));
  });

  it('refuses a repeated id, naming both lines', async () => {
    const file = await fixture('dup.jsonl', '{"id": "a", "turns": ["x"]}\n{"id": "a", "turns": ["y"]}\n');
    expect(await datasetErrorOf(loadSessions(file))).toContain('line 1 already uses it');
  });
});

describe('session history under the v1 rules', () => {
  const pairs: TurnPair[] = [
    { user: 'u1', assistant: 'a1' },
    { user: 'u2', assistant: 'a2' },
  ];
  const unlimited = { maxInputChars: null, maxInputTokens: null };

  it('flattens the pairs and the new turn: odd count, user and assistant in turn, the new turn last', () => {
    const built = turnMessages(pairs, 'u3', undefined, unlimited, 'trim');
    expect(built).toEqual({
      ok: true,
      trimmedPairs: 0,
      chars: 10,
      messages: [
        { role: 'user', content: 'u1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'u2' },
        { role: 'assistant', content: 'a2' },
        { role: 'user', content: 'u3' },
      ],
    });
    if (built.ok) expect(v1ShapeProblem(built.messages)).toBeUndefined();
  });

  it('trims the oldest pairs until system plus the contents fit the character budget', () => {
    // system (4) + u2 a2 u3 (6) = 10 fits; with u1 a1 it is 14.
    const built = turnMessages(pairs, 'u3', 'sys!', { maxInputChars: 10, maxInputTokens: null }, 'trim');
    expect(built.ok && built.messages.map((message) => message.content)).toEqual(['u2', 'a2', 'u3']);
    expect(built.ok && built.trimmedPairs).toBe(1);
    // Nothing but the turn fits: it goes alone (the server's answer says the rest).
    const alone = turnMessages(pairs, 'u3', 'sys!', { maxInputChars: 3, maxInputTokens: null }, 'trim');
    expect(alone.ok && alone.messages).toEqual([{ role: 'user', content: 'u3' }]);
    expect(alone.ok && alone.trimmedPairs).toBe(2);
  });

  it('counts characters as code points, as the server does', () => {
    const built = turnMessages([{ user: '😀😀', assistant: '好' }], '你', undefined, { maxInputChars: 4, maxInputTokens: null }, 'trim');
    expect(built.ok && built.trimmedPairs).toBe(0);
    expect(built.ok && built.chars).toBe(4);
  });

  it('stop gives the reason instead of trimming', () => {
    const built = turnMessages(pairs, 'u3', undefined, { maxInputChars: 8, maxInputTokens: null }, 'stop');
    expect(built).toEqual({ ok: false, reason: expect.stringContaining('10 characters, over the limit of 8') });
    // A history that fits is sent whole under stop too.
    expect(turnMessages(pairs, 'u3', undefined, { maxInputChars: 10, maxInputTokens: null }, 'stop').ok).toBe(true);
  });

  it('without known limits keeps a default character budget', () => {
    const big = 'x'.repeat(DEFAULT_HISTORY_CHARS);
    const built = turnMessages([{ user: 'u1', assistant: big }], 'u2', undefined, unlimited, 'trim');
    expect(built.ok && built.trimmedPairs).toBe(1);
    const stopped = turnMessages([{ user: 'u1', assistant: big }], 'u2', undefined, unlimited, 'stop');
    expect(stopped).toEqual({
      ok: false,
      reason: expect.stringContaining(`over the default limit of ${DEFAULT_HISTORY_CHARS} for a target without catalog limits`),
    });
  });

  it('keeps the token budget too (local estimate)', () => {
    const long = Array.from({ length: 50 }, () => 'word').join(' ');
    const built = turnMessages([{ user: long, assistant: long }], 'last', undefined, { maxInputChars: null, maxInputTokens: 20 }, 'trim');
    expect(built.ok && built.trimmedPairs).toBe(1);
  });

  it('v1ShapeProblem names what breaks the rules', () => {
    expect(v1ShapeProblem([])).toBe('no messages');
    expect(
      v1ShapeProblem([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
      ]),
    ).toContain('odd count');
    expect(
      v1ShapeProblem([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
    ).toContain('messages[1] is user');
    expect(
      v1ShapeProblem([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'c' },
      ]),
    ).toContain('empty');
  });
});

describe('session files as a stream', () => {
  it('keeps the UTF-16 and not-UTF-8 errors, and reads CRLF lines and a BOM', async () => {
    const utf16 = await fixture('utf16.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"turns": ["a"]}\n', 'utf16le')]));
    expect(await datasetErrorOf(loadSessions(utf16))).toBe(`${utf16}: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8`);
    const gbk = await fixture('gbk.jsonl', Buffer.concat([Buffer.from('{"turns": ["a"]}\n{"turns": ["'), Buffer.from([0xc4, 0xe3]), Buffer.from('"]}\n')]));
    expect(await datasetErrorOf(loadSessions(gbk))).toMatch(new RegExp(`^${gbk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: the file is not valid UTF-8`));
    const crlf = await fixture('crlf.jsonl', '\uFEFF{"id": "a", "turns": ["x"]}\r\n\r\n{"id": "b", "turns": ["y"]}\r\n');
    expect((await loadSessions(crlf)).map((session) => [session.id, session.source.line])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
  });

  it('refuses a line longer than the bound, naming FILE:LINE', async () => {
    const file = await fixture('long.jsonl', `{"turns": ["ok"]}\n{"turns": ["${'x'.repeat(MAX_LINE_CHARS)}"]}\n`);
    expect(await datasetErrorOf(loadSessions(file))).toBe(`${file}:2: the line is longer than ${MAX_LINE_CHARS} characters; a line holds one record`);
  });
});
