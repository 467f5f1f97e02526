import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, resultOf } from './helpers.js';

describe('text assertions', () => {
  it('equals: the whole answer, exactly', async () => {
    expect(await resultOf('equals', 'Paris', 'Paris')).toBe('pass');
    expect(await resultOf('equals', 'Paris', 'Paris\n')).toBe('fail');
    expect(await resultOf('not-equals', 'Paris', 'paris')).toBe('pass');
    expect(await resultOf('equals', 42, '42')).toBe('pass');
    expect((await judge([{ type: 'equals', value: 'Paris' }], 'Lyon')).reason).toBe('equals "Paris": output is not "Paris"');
  });

  it('contains and not-contains, case-sensitive', async () => {
    expect(await resultOf('contains', 'Paris', 'The capital is Paris.')).toBe('pass');
    expect(await resultOf('contains', 'paris', 'The capital is Paris.')).toBe('fail');
    expect(await resultOf('not-contains', 'sorry', 'The capital is Paris.')).toBe('pass');
    const negated = await judge([{ type: 'not-contains', value: 'Paris' }], 'The capital is Paris.');
    expect(negated).toEqual({ result: 'fail', reason: 'not-contains "Paris": output contains "Paris"' });
  });

  it('icontains ignores case, Chinese text included', async () => {
    expect(await resultOf('icontains', 'PARIS', 'the capital is paris')).toBe('pass');
    expect(await resultOf('icontains', '北京', '中国的首都是北京。')).toBe('pass');
    expect(await resultOf('not-icontains', 'error', 'An ERROR happened')).toBe('fail');
  });

  it('starts-with ignores the leading whitespace of the answer', async () => {
    expect(await resultOf('starts-with', 'Yes', '  Yes, it is.')).toBe('pass');
    expect(await resultOf('starts-with', 'Yes', 'No. Yes.')).toBe('fail');
    expect(await resultOf('not-starts-with', 'As an AI', 'As an AI model…')).toBe('fail');
  });

  it('regex: a pattern, or /pattern/flags; a pattern that does not compile is a dataset error at FILE:LINE', async () => {
    expect(await resultOf('regex', '^\\d{4}-\\d{2}$', '2024-05')).toBe('pass');
    expect(await resultOf('regex', '/^yes\\b/i', 'YES indeed')).toBe('pass');
    expect(await resultOf('regex', '^yes', 'YES')).toBe('fail');
    expect(await resultOf('not-regex', '/sorry|抱歉/', '很抱歉')).toBe('fail');
    // `g` would make test() remember its position between answers.
    expect(await resultOf('regex', '/a/g', 'a')).toBe('pass');
    await expect(judge([{ type: 'regex', value: '(unclosed' }], 'x')).rejects.toThrow(
      /\/data\/rows\.jsonl:3: assert\[0\]: regex "\(unclosed" does not compile/,
    );
  });
});

describe('is-json', () => {
  const schema = { type: 'object', required: ['city'], properties: { city: { type: 'string' }, population: { type: 'integer' } } };

  it('checks that the whole answer is JSON', async () => {
    expect(await resultOf('is-json', undefined, ' {"a": 1}\n')).toBe('pass');
    expect(await resultOf('is-json', undefined, '```json\n{"a": 1}\n```')).toBe('fail');
    expect((await judge(['is-json'], 'nope')).reason).toMatch(/^is-json valid JSON: output is not valid JSON \(/);
    expect(await resultOf('not-is-json', undefined, 'plain words')).toBe('pass');
  });

  it('matches a JSON Schema given as an object, as CSV text, or as a file', async () => {
    expect(await resultOf('is-json', schema, '{"city": "Paris", "population": 2100000}')).toBe('pass');
    const failed = await judge([{ type: 'is-json', value: schema }], '{"population": 2.5}');
    expect(failed.result).toBe('fail');
    expect(failed.reason).toContain("does not match the schema: (root) must have required property 'city'; /population must be integer");
    expect(await resultOf('is-json', JSON.stringify(schema), '{"city": "Rome"}')).toBe('pass');
    const dir = await mkdtemp(join(tmpdir(), 'qfbench-schema-'));
    await writeFile(join(dir, 'city.json'), JSON.stringify(schema));
    expect(await resultOf('is-json', 'file:city.json', '{"town": "Rome"}', { dir })).toBe('fail');
    await expect(judge([{ type: 'is-json', value: 'file:missing.json' }], '{}', { dir })).rejects.toThrow(
      /is-json schema .*missing\.json: cannot read it \(ENOENT\)/,
    );
  });

  it('follows the draft the schema names, and refuses a schema that does not compile', async () => {
    const draft2020 = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }], items: false };
    expect(await resultOf('is-json', draft2020, '["a"]')).toBe('pass');
    expect(await resultOf('is-json', draft2020, '["a", 1]')).toBe('fail');
    await expect(judge([{ type: 'is-json', value: { type: 'no-such-type' } }], '{}')).rejects.toThrow(/the JSON Schema does not compile/);
    await expect(judge([{ type: 'is-json', value: 'not a schema' }], '{}')).rejects.toThrow(/is-json takes a JSON Schema object/);
  });
});

describe('lengths and tokens', () => {
  it('min-length and max-length count characters, not bytes or UTF-16 units', async () => {
    expect(await resultOf('max-length', 5, '你好世界😀')).toBe('pass');
    expect(await resultOf('max-length', '4', '你好世界😀')).toBe('fail');
    expect(await resultOf('min-length', 5, '你好世界😀')).toBe('pass');
    const { reason } = await judge([{ type: 'min-length', value: 6 }], '你好世界😀');
    expect(reason).toBe('min-length ≥ 6 characters: output has 5 characters (minimum 6)');
    await expect(judge([{ type: 'min-length', value: '-1' }], 'x')).rejects.toThrow(/min-length needs a whole number of 0 or more/);
    await expect(judge([{ type: 'max-length', value: 2.5 }], 'x')).rejects.toThrow(/max-length needs a whole number/);
  });

  it('max-tokens reads the completion tokens', async () => {
    expect(await resultOf('max-tokens', 120, 'x', { record: { completionTokens: 120 } })).toBe('pass');
    expect(await resultOf('max-tokens', 100, 'x', { record: { completionTokens: 120 } })).toBe('fail');
    const none = await judge([{ type: 'not-max-tokens', value: 100 }], 'x', { record: { completionTokens: undefined } });
    expect(none).toEqual({ result: 'fail', reason: 'not-max-tokens ≤ 100 tokens: the answer has no token count' });
  });
});

describe('timing ceilings', () => {
  it('latency-ms: at most the ceiling; skipped on a replayed answer', async () => {
    expect(await resultOf('latency-ms', 2000, 'x', { record: { latencyMs: 1999.5 } })).toBe('pass');
    expect((await judge([{ type: 'latency-ms', value: '1000' }], 'x', { record: { latencyMs: 1234.56 } })).reason).toBe(
      'latency-ms ≤ 1000 ms: latency 1234.6 ms (ceiling 1000 ms)',
    );
    const replayed = await judge(
      [
        { type: 'latency-ms', value: 10 },
        { type: 'contains', value: 'x' },
      ],
      'x',
      { replayed: true, record: { latencyMs: undefined } },
    );
    expect(replayed).toEqual({ result: 'pass', reason: '' });
    expect((await judge([{ type: 'not-latency-ms', value: 10 }], 'x', { replayed: true })).result).toBe('skip');
    await expect(judge([{ type: 'latency-ms', value: 0 }], 'x')).rejects.toThrow(/latency-ms needs a positive number of milliseconds/);
  });

  it('ttft-ms: fails and says why when the request did not stream, negated or not', async () => {
    expect(await resultOf('ttft-ms', 500, 'x', { record: { ttftMs: 301 } })).toBe('pass');
    expect(await resultOf('ttft-ms', 300, 'x', { record: { ttftMs: 301 } })).toBe('fail');
    for (const type of ['ttft-ms', 'not-ttft-ms']) {
      const judgement = await judge([{ type, value: 500 }], 'x', { stream: false, record: { ttftMs: undefined } });
      expect(judgement).toEqual({ result: 'fail', reason: `${type} ≤ 500 ms: the request did not stream (--no-stream), so there is no time to first token` });
    }
  });
});

describe('javascript', () => {
  it('runs an expression or a function body with output, vars and the context in scope', async () => {
    expect(await resultOf('javascript', "output.length > 3 && vars.lang === 'en'", 'long enough')).toBe('pass');
    expect(await resultOf('javascript', 'const n = JSON.parse(output).items.length;\nreturn n === 2;', '{"items": [1, 2]}')).toBe('pass');
    expect(await resultOf('javascript', "context.model === 'ERNIE-Speed-8K' && params.temperature === 0.3 && rowId === 'r1' && latencyMs > 0", 'x')).toBe(
      'pass',
    );
    expect(await resultOf('not-javascript', 'output === "x"', 'x')).toBe('fail');
  });

  it('takes {pass, reason} and refuses anything that is not a verdict', async () => {
    expect(await judge([{ type: 'javascript', value: '({ pass: false, reason: "too rude" })' }], 'abc')).toEqual({
      result: 'fail',
      reason: 'javascript "({ pass: false, reason: \\"too rude\\" })": too rude',
    });
    // Long code is cut in the reason; the reason the check gives is kept whole.
    expect((await judge([{ type: 'javascript', value: '({ pass: false, reason: "only " + output.length + " characters" })' }], 'abc')).reason).toBe(
      'javascript "({ pass: false, reason: \\"only \\" + output…": only 3 characters',
    );
    expect((await judge([{ type: 'javascript', value: 'output.length' }], 'abc')).reason).toContain(
      'returned 3; a check returns true, false or {pass, reason}',
    );
    expect((await judge([{ type: 'not-javascript', value: 'JSON.parse(output)' }], 'nope')).reason).toMatch(/threw: Unexpected token/);
  });

  it('stops a check that runs past the time limit, and cannot reach node', async () => {
    // The reason proves the limit stopped it (the test's own timeout bounds it otherwise); no wall-clock bound.
    const endless = await judge([{ type: 'javascript', value: 'while (true) {}' }], 'x', { jsTimeoutMs: 100 });
    expect(endless).toEqual({ result: 'fail', reason: 'javascript "while (true) {}": took longer than the 100 ms limit' });
    expect(await resultOf('javascript', "typeof process === 'undefined' && typeof require === 'undefined'", 'x')).toBe('pass');
    expect((await judge([{ type: 'javascript', value: 'eval("1") === 1' }], 'x')).reason).toMatch(/threw: Code generation from strings disallowed/);
  });

  it('imports a module and calls its default or named export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qfbench-js-'));
    await writeFile(
      join(dir, 'checks.mjs'),
      [
        'export default (output, context) => output.includes(context.vars.lang);',
        'export function polite(output) { return { pass: /please/i.test(output), reason: "checked for please" }; }',
        'export async function later() { return true; }',
      ].join('\n'),
    );
    expect(await resultOf('javascript', 'file:checks.mjs', 'in en', { dir })).toBe('pass');
    expect(await judge([{ type: 'javascript', value: 'file:checks.mjs#polite' }], 'Give it to me', { dir })).toEqual({
      result: 'fail',
      reason: 'javascript file:checks.mjs#polite: checked for please',
    });
    expect((await judge([{ type: 'javascript', value: 'file:checks.mjs#later' }], 'x', { dir })).reason).toContain('returned a Promise');
    await expect(judge([{ type: 'javascript', value: 'file:checks.mjs#absent' }], 'x', { dir })).rejects.toThrow(/has no export "absent" that is a function/);
    await expect(judge([{ type: 'javascript', value: 'file:nowhere.mjs' }], 'x', { dir })).rejects.toThrow(/cannot import/);
  });

  it('refuses code that does not compile, before the run', async () => {
    await expect(judge([{ type: 'javascript', value: 'output.length >' }], 'x')).rejects.toThrow(
      /\/data\/rows\.jsonl:3: assert\[0\]: javascript "output\.length >" does not compile/,
    );
  });
});

describe('requests without an answer', () => {
  it('a failed, throttled or timed-out request fails every assertion with that reason', async () => {
    const failed = await judge([{ type: 'not-contains', value: 'x' }, { type: 'is-json' }], '', {
      record: { outcome: 'failed', errorCode: '336100', errorMsg: 'server busy' },
    });
    expect(failed).toEqual({ result: 'fail', reason: 'no answer: failed 336100: server busy' });
    expect((await judge(['is-json'], '', { record: { outcome: 'timeout', errorMsg: 'idle timeout' } })).reason).toBe('no answer: timeout: idle timeout');
  });

  it('a request never sent is skipped; a row without assertions is `none`', async () => {
    expect(await judge(['is-json'], '', { record: { outcome: 'dropped', errorMsg: '--max-cost reached' } })).toEqual({
      result: 'skip',
      reason: 'not sent: --max-cost reached',
    });
    expect(await judge([], 'x')).toEqual({ result: 'none', reason: '' });
  });

  it('lists every failed assertion of an answer', async () => {
    const judgement = await judge(['contains:a', 'contains:b', 'contains:c'], 'b');
    expect(judgement).toEqual({ result: 'fail', reason: 'contains "a": output does not contain "a"; contains "c": output does not contain "c"' });
  });
});
