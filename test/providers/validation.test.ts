import { describe, expect, it } from 'vitest';
import type { ChatMessage, DatasetRow } from '../../src/dataset/types.js';
import { BUILT_IN_CATALOG, findModel, type ModelEntry } from '../../src/qianfan/spec/catalog.js';
import {
  checkBaseModel,
  formatFinding,
  validateParams,
  validateRow,
  validateRun,
  type Finding,
  type ValidationTarget,
} from '../../src/providers/qianfan/validation.js';
import type { Params } from '../../src/providers/types.js';

function model(name: string): ModelEntry {
  const entry = findModel(BUILT_IN_CATALOG, name);
  if (!entry) throw new Error(`no catalog entry ${name}`);
  return entry;
}

function preset(name: string): ValidationTarget {
  const entry = model(name);
  return { model: entry.name, endpoint: entry.endpoint, entry };
}

const ERNIE_4 = preset('ERNIE-4.0-8K');
const CUSTOM: ValidationTarget = { model: 'my-svc', endpoint: 'my-svc' };
const SFT: ValidationTarget = { model: 'my-sft', endpoint: 'my-sft', baseModel: model('ernie-speed-8k') };

function row(messages: ChatMessage[] | string, options: { system?: string; line?: number; file?: string } = {}): DatasetRow {
  const line = options.line ?? 7;
  const file = options.file ?? 'datasets/x.jsonl';
  const result: DatasetRow = {
    id: `x#${line}`,
    source: { file, line },
    messages: typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages,
    vars: {},
  };
  if (options.system !== undefined) result.system = options.system;
  return result;
}

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

const errorsOf = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.level === 'error');
const warningsOf = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.level === 'warning');
const lines = (findings: Finding[]): string[] => findings.map(formatFinding);

/** `count` space-separated words: `count` estimated tokens, 2·count − 1 characters. */
const words = (count: number): string => Array.from({ length: count }, () => 'w').join(' ');

describe('conversation shape', () => {
  it('refuses an empty conversation', () => {
    expect(lines(validateRow(row([]), ERNIE_4, {}))).toEqual([
      'datasets/x.jsonl:7: messages: the conversation has no messages; Qianfan v1 needs at least one user message',
    ]);
  });

  it('refuses an even number of messages and says the last turn must be the user', () => {
    const found = lines(validateRow(row([user('hi'), assistant('hello')]), ERNIE_4, {}));
    expect(found).toEqual([
      'datasets/x.jsonl:7: messages: the conversation has 2 messages; Qianfan v1 needs an odd count (user, assistant, …, user)',
      `datasets/x.jsonl:7: messages[1].role: the last message has role "assistant"; the conversation must end with the user's turn`,
    ]);
  });

  it('refuses roles that do not alternate user, assistant, user', () => {
    const found = lines(validateRow(row([user('a'), user('b'), user('c')], { line: 3 }), ERNIE_4, {}));
    expect(found).toEqual([
      'datasets/x.jsonl:3: messages[1].role: role is "user"; Qianfan v1 needs the roles in turn user, assistant, user, …, so messages[1] must be "assistant"',
    ]);
  });

  it('refuses a conversation whose last message is not the user (flagged once)', () => {
    const messages = [user('a'), assistant('b'), { role: 'assistant', content: 'c' } as ChatMessage];
    const found = lines(validateRow(row(messages), ERNIE_4, {}));
    expect(found).toEqual([
      'datasets/x.jsonl:7: messages[2].role: role is "assistant"; Qianfan v1 needs the roles in turn user, assistant, user, …, so messages[2] must be "user"',
    ]);
  });

  it('refuses an empty or blank content and a content that is not text', () => {
    const messages = [user(''), assistant('   '), { role: 'user', content: 42 } as unknown as ChatMessage];
    const found = lines(validateRow(row(messages), ERNIE_4, {}));
    expect(found).toEqual([
      'datasets/x.jsonl:7: messages[0].content: content is empty; every message needs text',
      'datasets/x.jsonl:7: messages[1].content: content is only whitespace (3 characters); every message needs text',
      'datasets/x.jsonl:7: messages[2].content: content is 42; every message needs text',
    ]);
  });

  it('accepts a well-formed multi-turn conversation', () => {
    expect(validateRow(row([user('a'), assistant('b'), user('c')]), ERNIE_4, {})).toEqual([]);
  });
});

describe('input length', () => {
  it('counts system plus every message against the character limit', () => {
    const fits = row([user('a'.repeat(5000)), assistant('b'.repeat(5000)), user('c'.repeat(5000))], { system: 's'.repeat(5000) });
    expect(validateRow(fits, ERNIE_4, {})).toEqual([]);
    const over = row([user('a'.repeat(10_001))], { system: 's'.repeat(10_000) });
    const [finding, ...rest] = validateRow(over, ERNIE_4, {});
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ level: 'error', where: 'datasets/x.jsonl:7', field: 'input' });
    expect(formatFinding(finding!)).toBe(
      'datasets/x.jsonl:7: input: the input is 20001 characters (system plus every message, counted in Unicode code points); ERNIE-4.0-8K accepts at most ' +
        '20000',
    );
  });

  it('checks the estimated tokens against the token limit and says it is an estimate', () => {
    expect(errorsOf(validateRow(row(words(5120)), ERNIE_4, {}))).toEqual([]);
    const found = validateRow(row(words(5121)), ERNIE_4, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'error', field: 'input' });
    expect(found[0]!.message).toBe('the input is about 5121 tokens (a local estimate; the server counts its own); ERNIE-4.0-8K accepts at most 5120');
  });

  it('counts Chinese text in code points (and astral characters once)', () => {
    // 9000 CJK characters fit 20000 characters but estimate to 5625 tokens.
    const found = validateRow(row('中'.repeat(9000)), ERNIE_4, {});
    expect(found.map((finding) => finding.message)).toEqual([
      'the input is about 5625 tokens (a local estimate; the server counts its own); ERNIE-4.0-8K accepts at most 5120',
    ]);
    // U+20000 is two UTF-16 units but one character: 4800 of them fit a 4800-character service.
    const astral = '\u{20000}'.repeat(4800);
    expect(astral.length).toBe(9600);
    expect(validateRow(row(astral), CUSTOM, {})).toEqual([]);
    const over = validateRow(row('你好'.repeat(2400) + '。'), CUSTOM, {});
    expect(over.map((finding) => finding.message)).toEqual([
      'the input is 4801 characters (system plus every message, counted in Unicode code points); the custom service "my-svc" accepts at most 4800',
    ]);
  });

  it('gives a custom service without base model 4800 characters and no token limit', () => {
    expect(validateRow(row(words(2400)), CUSTOM, {})).toEqual([]); // 4799 characters, 2400 tokens
    expect(errorsOf(validateRow(row('x'.repeat(4801)), CUSTOM, {}))[0]?.message).toContain('accepts at most 4800');
  });

  it('gives an SFT service the dynamic split (input plus output within 8192) instead of the preset 6144-token input cap', () => {
    // 7K in with the default 1K output cap fits; the preset's 6144 no longer refuses it.
    expect(errorsOf(validateRow(row(words(6145)), SFT, {}))).toEqual([]);
    expect(errorsOf(validateRow(row(words(7168)), SFT, {}))).toEqual([]);
    expect(lines(errorsOf(validateRow(row(words(7169)), SFT, {})))).toEqual([
      'datasets/x.jsonl:7: input: the input is about 7169 tokens (a local estimate) and the output cap is 1024 (max_output_tokens unset): 8193 in total, ' +
        'over the 8192-token budget (input plus output) of the SFT service "my-sft" (base ERNIE-Speed-8K)',
    ]);
  });
});

describe('parameter ranges', () => {
  const one = (params: Params, target: ValidationTarget = ERNIE_4): string[] => lines(errorsOf(validateParams(params, target)));

  it('refuses temperature 0 and above 1', () => {
    expect(one({ temperature: 0 })).toEqual(['-p temperature: temperature is 0; it must be greater than 0 and at most 1']);
    expect(one({ temperature: 1.5 })).toEqual(['-p temperature: temperature is 1.5; it must be greater than 0 and at most 1']);
    const [finding] = validateParams({ temperature: 0 }, ERNIE_4);
    expect(finding).toEqual({
      level: 'error',
      where: '-p temperature',
      field: 'temperature',
      message: 'temperature is 0; it must be greater than 0 and at most 1',
    });
  });

  it('names the expected type for a value that is not a finite number', () => {
    expect(one({ temperature: '0.5' })).toEqual(['-p temperature: temperature is the text "0.5"; it must be a number greater than 0 and at most 1']);
    expect(one({ top_p: true })).toEqual(['-p top_p: top_p is true (a true/false value); it must be a number at least 0 and at most 1']);
    expect(one({ penalty_score: Number.POSITIVE_INFINITY })).toEqual([
      '-p penalty_score: penalty_score is Infinity; it must be a finite number at least 1 and at most 2',
    ]);
    expect(one({ max_output_tokens: '100' })).toEqual(['-p max_output_tokens: max_output_tokens is the text "100"; it must be a whole number from 2 to 2048']);
  });

  it('refuses top_p outside [0, 1]', () => {
    expect(one({ top_p: -0.1 })).toEqual(['-p top_p: top_p is -0.1; it must be at least 0 and at most 1']);
    expect(one({ top_p: 1.01 })).toEqual(['-p top_p: top_p is 1.01; it must be at least 0 and at most 1']);
  });

  it('refuses penalty_score outside [1, 2]', () => {
    expect(one({ penalty_score: 0.9 })).toEqual(['-p penalty_score: penalty_score is 0.9; it must be at least 1 and at most 2']);
    expect(one({ penalty_score: 2.1 })).toEqual(['-p penalty_score: penalty_score is 2.1; it must be at least 1 and at most 2']);
  });

  it('refuses frequency_penalty and presence_penalty outside [-2, 2]', () => {
    const speed = preset('ERNIE-Speed-8K');
    expect(one({ frequency_penalty: -2.5 }, speed)).toEqual(['-p frequency_penalty: frequency_penalty is -2.5; it must be at least -2 and at most 2']);
    expect(one({ presence_penalty: 2.01 }, speed)).toEqual(['-p presence_penalty: presence_penalty is 2.01; it must be at least -2 and at most 2']);
    expect(validateParams({ frequency_penalty: -2, presence_penalty: 2 }, speed)).toEqual([]);
  });

  it('refuses more than 4 stop strings, strings over 20 characters and empty ones', () => {
    expect(one({ stop: ['a', 'b', 'c', 'd', 'e'] })).toEqual(['-p stop: stop has 5 strings; at most 4 are allowed']);
    expect(one({ stop: ['ok', 'x'.repeat(21)] })).toEqual([`-p stop: stop string 2 "${'x'.repeat(21)}" is 21 characters; each may have at most 20`]);
    expect(one({ stop: ['END', ''] })).toEqual(['-p stop: stop string 2 is empty; each stop string needs at least 1 character']);
    expect(one({ stop: 'END' })).toEqual(['-p stop: stop is the text "END"; it must be a list of at most 4 strings']);
  });

  it('refuses output token counts that are not whole numbers in [2, 2048]', () => {
    expect(one({ max_output_tokens: 1 })).toEqual(['-p max_output_tokens: max_output_tokens is 1; it must be from 2 to 2048']);
    expect(one({ max_output_tokens: 2049 })).toEqual(['-p max_output_tokens: max_output_tokens is 2049; it must be from 2 to 2048']);
    expect(one({ max_output_tokens: 100.5 })).toEqual(['-p max_output_tokens: max_output_tokens is 100.5; it must be a whole number from 2 to 2048']);
    const lite = preset('ERNIE-Lite-8K');
    expect(one({ min_output_tokens: 3000 }, lite)[0]).toMatch(/^-p min_output_tokens: min_output_tokens is 3000; it must be from 2 to 2048/);
  });

  it('uses the model output cap when it is lower than 2048', () => {
    const character = preset('ERNIE-Character-8K');
    expect(validateParams({ max_output_tokens: 1024 }, character)).toEqual([]);
    expect(one({ max_output_tokens: 1025 }, character)[0]).toMatch(
      /^-p max_output_tokens: max_output_tokens is 1025; for ERNIE-Character-8K it must be from 2 to 1024/,
    );
  });

  it('refuses min_output_tokens above max_output_tokens', () => {
    const lite = preset('ERNIE-Lite-8K');
    expect(one({ min_output_tokens: 500, max_output_tokens: 300 }, lite)).toEqual([
      '-p min_output_tokens: min_output_tokens is 500; it must not be greater than max_output_tokens (300)',
    ]);
    expect(validateParams({ min_output_tokens: 300, max_output_tokens: 300 }, lite)).toEqual([]);
  });

  it('accepts the boundary values', () => {
    const lite = preset('ERNIE-Lite-8K');
    const accepted: Params[] = [
      { temperature: 1 },
      { temperature: 0.01 },
      { top_p: 0 },
      { top_p: 1 },
      { penalty_score: 1 },
      { penalty_score: 2 },
      { max_output_tokens: 2 },
      { max_output_tokens: 2048 },
      { min_output_tokens: 2, max_output_tokens: 2048 },
      { stop: ['x'.repeat(20), 'y'.repeat(20), 'z'.repeat(20), '\n'] },
      { stop: ['一二三四五六七八九十一二三四五六七八九十'] }, // 20 Chinese characters
      { stream: true },
    ];
    for (const params of accepted) expect(validateParams(params, lite), JSON.stringify(params)).toEqual([]);
  });

  it('uses a custom flag prefix for where the finding points', () => {
    expect(validateParams({ temperature: 0 }, ERNIE_4, '--config params')[0]?.where).toBe('--config params temperature');
  });
});

describe('dynamic output of SFT services', () => {
  it('accepts 7168 output tokens for an SFT service when the input is short', () => {
    expect(validateParams({ max_output_tokens: 7168, min_output_tokens: 7000 }, SFT)).toEqual([]);
    expect(validateRow(row('hello'), SFT, { max_output_tokens: 7168 })).toEqual([]);
    // 1024 words + 7168 = 8192 exactly: still inside the budget.
    expect(errorsOf(validateRow(row(words(1024)), SFT, { max_output_tokens: 7168 }))).toEqual([]);
  });

  it('refuses a row whose estimated input plus max_output_tokens is over 8192', () => {
    const found = validateRow(row(words(1025), { line: 12 }), SFT, { max_output_tokens: 7168 });
    expect(lines(found)).toEqual([
      'datasets/x.jsonl:12: max_output_tokens: the input is about 1025 tokens (a local estimate) and max_output_tokens is 7168: 8193 in total, over the ' +
        '8192-token budget (input plus output) of the SFT service "my-sft" (base ERNIE-Speed-8K)',
    ]);
  });

  it('checks the default 1024 output cap against the budget when no max is given', () => {
    expect(errorsOf(validateRow(row(words(3000)), SFT, { min_output_tokens: 1000 }))).toEqual([]);
    const found = errorsOf(validateRow(row(words(7500)), SFT, { min_output_tokens: 1000 }));
    expect(found[0]?.message).toContain('the output cap is 1024 (max_output_tokens unset): 8524 in total, over the 8192-token budget');
  });

  it('refuses more than 7168 even for an SFT service', () => {
    expect(lines(validateParams({ max_output_tokens: 7169 }, SFT))).toEqual([
      '-p max_output_tokens: max_output_tokens is 7169; for the SFT service "my-sft" (base ERNIE-Speed-8K) it must be from 2 to 7168',
    ]);
  });

  it('refuses more than 2048 for the preset service and points to SFT services', () => {
    const found = lines(validateParams({ max_output_tokens: 7168 }, preset('ERNIE-Speed-8K')));
    expect(found).toEqual([
      '-p max_output_tokens: max_output_tokens is 7168; it must be from 2 to 2048; output up to 7168 tokens needs an SFT-published service of ' +
        'ERNIE-Speed-8K (--endpoint SUFFIX --base-model ERNIE-Speed-8K), not the preset service ernie_speed',
    ]);
    expect(lines(validateParams({ max_output_tokens: 4096 }, ERNIE_4))).toEqual(['-p max_output_tokens: max_output_tokens is 4096; it must be from 2 to 2048']);
  });

  it('lets an SFT service of ERNIE-Character-8K go past the preset 1024 cap, and accept min_output_tokens', () => {
    const target: ValidationTarget = { model: 'char-sft', endpoint: 'char-sft', baseModel: model('ERNIE-Character-8K') };
    expect(validateParams({ max_output_tokens: 4096, min_output_tokens: 100 }, target)).toEqual([]);
  });

  it('checkBaseModel accepts the SFT bases and refuses the others', () => {
    for (const name of ['ernie-speed-8k', 'ernie-lite-8k', 'ernie-tiny-8k', 'ernie-character-8k', 'ERNIE-Character-Fiction-8K']) {
      expect(checkBaseModel(model(name)), name).toBeUndefined();
    }
    const refusal = checkBaseModel(model('ernie-4.0-8k'));
    expect(refusal).toContain('ERNIE-4.0-8K cannot be a base model');
    expect(refusal).toContain('ERNIE-Speed-8K, ERNIE-Lite-8K, ERNIE-Tiny-8K, ERNIE-Character-8K, ERNIE-Character-Fiction-8K');
    expect(refusal).toContain('7168');
  });

  it('a custom service with a base that is not an SFT base keeps the 2048 cap', () => {
    const target: ValidationTarget = { model: 'x', endpoint: 'x', baseModel: model('ernie-4.0-8k') };
    expect(errorsOf(validateParams({ max_output_tokens: 4096 }, target))[0]?.message).toContain('from 2 to 2048');
    expect(errorsOf(validateRow(row(words(3000)), target, { max_output_tokens: 2048 }))).toEqual([]);
  });
});

describe('parameters the model does not accept', () => {
  it('warns that the server ignores them', () => {
    const found = validateParams({ min_output_tokens: 100, stream: true, temperature: 0.5 }, ERNIE_4);
    expect(found).toEqual([
      {
        level: 'warning',
        where: '-p min_output_tokens',
        field: 'min_output_tokens',
        message: 'ERNIE-4.0-8K does not accept min_output_tokens; the server ignores it',
      },
    ]);
    expect(lines(warningsOf(validateParams({ frequency_penalty: 0.5 }, preset('ERNIE-Character-8K'))))).toEqual([
      '-p frequency_penalty: ERNIE-Character-8K does not accept frequency_penalty; the server ignores it',
    ]);
  });

  it('still checks the range of an ignored parameter', () => {
    const found = validateParams({ min_output_tokens: 1 }, ERNIE_4);
    expect(found.map((finding) => finding.level)).toEqual(['warning', 'error']);
  });

  it('gives no such warnings for a custom service without base model', () => {
    expect(validateParams({ min_output_tokens: 100, top_k: 5, foo: 'bar' }, CUSTOM)).toEqual([]);
  });

  it('warns for a row system prompt sent to a model that does not accept system', () => {
    const llama = preset('Llama-2-7B-Chat');
    expect(lines(validateRow(row('hi', { system: 'be brief' }), llama, {}))).toEqual([
      'datasets/x.jsonl:7: system: Llama-2-7B-Chat does not accept system; the server ignores it',
    ]);
    expect(validateRow(row('hi', { system: 'be brief' }), ERNIE_4, {})).toEqual([]);
  });
});

describe('validateRun', () => {
  it('splits errors from warnings and reports each (where, field, message) once', () => {
    const result = validateRun({
      targets: [ERNIE_4, preset('ERNIE-3.5-8K')],
      paramSets: [
        { temperature: 0, min_output_tokens: 50 },
        { temperature: 0, min_output_tokens: 60 },
      ],
      rows: [row([user('a'), assistant('b')], { line: 1 }), row('fine', { line: 2 })],
    });
    expect(lines(result.errors)).toEqual([
      '-p temperature: temperature is 0; it must be greater than 0 and at most 1',
      'datasets/x.jsonl:1: messages: the conversation has 2 messages; Qianfan v1 needs an odd count (user, assistant, …, user)',
      `datasets/x.jsonl:1: messages[1].role: the last message has role "assistant"; the conversation must end with the user's turn`,
    ]);
    expect(lines(result.warnings)).toEqual([
      '-p min_output_tokens: ERNIE-4.0-8K does not accept min_output_tokens; the server ignores it',
      '-p min_output_tokens: ERNIE-3.5-8K does not accept min_output_tokens; the server ignores it',
    ]);
    expect(result.omittedRowErrors).toBe(0);
  });

  it('caps row errors and says how many more there are', () => {
    const rows = Array.from({ length: 30 }, (_, index) => row([], { line: index + 1 }));
    const result = validateRun({ targets: [ERNIE_4], paramSets: [{ temperature: 0 }], rows });
    expect(result.errors).toHaveLength(1 + 20 + 1);
    expect(formatFinding(result.errors[0]!)).toContain('-p temperature');
    expect(result.errors[20]?.where).toBe('datasets/x.jsonl:20');
    expect(result.omittedRowErrors).toBe(10);
    expect(formatFinding(result.errors.at(-1)!)).toBe('… and 10 more dataset-row errors (the first 20 are shown)');
  });

  it('takes a different cap and caps row warnings too', () => {
    const rows = Array.from({ length: 5 }, (_, index) => row('hi', { line: index + 1, system: 'sys' }));
    const result = validateRun({ targets: [preset('Llama-2-7B-Chat')], paramSets: [{}], rows, maxRowFindings: 2 });
    expect(result.errors).toEqual([]);
    expect(lines(result.warnings)).toEqual([
      'datasets/x.jsonl:1: system: Llama-2-7B-Chat does not accept system; the server ignores it',
      'datasets/x.jsonl:2: system: Llama-2-7B-Chat does not accept system; the server ignores it',
      '… and 3 more dataset-row warnings (the first 2 are shown)',
    ]);
  });

  it('checks every row against each output budget of an SFT service', () => {
    const result = validateRun({
      targets: [SFT, ERNIE_4],
      paramSets: [{ max_output_tokens: 1024 }, { max_output_tokens: 7168 }, { max_output_tokens: 7168, temperature: 0.5 }],
      rows: [row(words(2000), { line: 4 }), row('short', { line: 5 })],
    });
    expect(lines(result.errors)).toEqual([
      '-p max_output_tokens: max_output_tokens is 7168; it must be from 2 to 2048',
      'datasets/x.jsonl:4: max_output_tokens: the input is about 2000 tokens (a local estimate) and max_output_tokens is 7168: 9168 in total, over the ' +
        '8192-token budget (input plus output) of the SFT service "my-sft" (base ERNIE-Speed-8K)',
    ]);
  });

  it('refuses a declared base model that is not an SFT base', () => {
    const target: ValidationTarget = { model: 'svc', endpoint: 'svc', baseModel: model('ERNIE-4.0-8K') };
    const result = validateRun({ targets: [target], paramSets: [{}], rows: [row('hi')] });
    expect(result.errors).toHaveLength(1);
    expect(formatFinding(result.errors[0]!)).toMatch(/^--base-model: ERNIE-4\.0-8K cannot be a base model/);
  });

  it('treats an empty list of parameter sets as one empty set', () => {
    expect(validateRun({ targets: [ERNIE_4], paramSets: [], rows: [row('hi')] })).toEqual({
      errors: [],
      warnings: [],
      omittedRowErrors: 0,
      omittedRowWarnings: 0,
    });
  });
});
